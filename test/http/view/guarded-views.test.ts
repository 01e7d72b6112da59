import { randomBytes } from "node:crypto";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as decorators from "../../../src/http/decorators.ts";
import { createGuestUserHttp } from "../../../src/http/guest-user-http.ts";
import type { HandlerContext, WebHandler } from "../../../src/http/handler.ts";
import {
  AllowGuestUserMixin,
  GuestUserRequiredMixin,
  RegularUserRequiredMixin,
} from "../../../src/http/mixins.ts";
import { View } from "../../../src/http/view.ts";
import type { GuestUsersOptions } from "../../../src/index.ts";
import { BROWSER_USER_AGENT } from "../../support/browser-fetch.ts";
import { type DatabaseFixture, describeEachDatabase } from "../../support/guest-users.ts";

// The SPEC section 3 table, run against the mixins (View.asView) and the decorators (a
// controller class), on every database.

/** The views of the table, by role; each answers `<role>: <username or "anonymous">`. */
type Views = Record<
  | "hello"
  | "onlyGuest"
  | "onlyGuestCustom"
  | "realUsers"
  | "realUsersCustom"
  | "realUsersBack"
  | "realUsersExternal",
  WebHandler
>;

const reply = (role: string, { state }: HandlerContext) =>
  new Response(`${role}: ${state.user?.username ?? "anonymous"}`, { headers: { "x-role": role } });

function mixinViews(): Views {
  class Hello extends AllowGuestUserMixin(View) {
    override get = (_request: Request, context: HandlerContext) => reply("hello", context);
  }
  class OnlyGuest extends GuestUserRequiredMixin(View) {
    override get = (_request: Request, context: HandlerContext) => reply("onlyGuest", context);
  }
  class OnlyGuestCustom extends OnlyGuest {
    override anonymousUrl = "/login/";
    override registeredUrl = "/dashboard/";
  }
  class RealUsers extends RegularUserRequiredMixin(View) {
    override get = (_request: Request, context: HandlerContext) => reply("realUsers", context);
  }
  class RealUsersCustom extends RealUsers {
    override loginUrl = "/login/";
    override convertUrl = "/convert/?from=RealUsersOnlyView";
  }
  class RealUsersBack extends RealUsers {
    override redirectFieldName = "back";
  }
  class RealUsersExternal extends RealUsers {
    override loginUrl = "https://auth.example.com/login/";
  }
  return {
    hello: Hello.asView(),
    onlyGuest: OnlyGuest.asView(),
    onlyGuestCustom: OnlyGuestCustom.asView(),
    realUsers: RealUsers.asView(),
    realUsersCustom: RealUsersCustom.asView(),
    realUsersBack: RealUsersBack.asView(),
    realUsersExternal: RealUsersExternal.asView(),
  };
}

/**
 * The same views as a decorated controller. Vitest's transform (Oxc) cannot lower standard
 * decorators, so this source goes through TypeScript's own emit, as `tsc` users get it.
 */
const CONTROLLER = `
import type { HandlerContext } from "../../../src/http/handler.ts";
import { allowGuestUser, guestUserRequired, regularUserRequired } from "../../../src/http/decorators.ts";

export class Pages {
  reply(role: string, { state }: HandlerContext) {
    return new Response(\`\${role}: \${state.user?.username ?? "anonymous"}\`, { headers: { "x-role": role } });
  }
  @allowGuestUser
  async hello(_request: Request, context: HandlerContext) { return this.reply("hello", context); }
  @guestUserRequired
  async onlyGuest(_request: Request, context: HandlerContext) { return this.reply("onlyGuest", context); }
  @guestUserRequired({ anonymousUrl: "/login/", registeredUrl: "/dashboard/" })
  async onlyGuestCustom(_request: Request, context: HandlerContext) { return this.reply("onlyGuest", context); }
  @regularUserRequired()
  async realUsers(_request: Request, context: HandlerContext) { return this.reply("realUsers", context); }
  @regularUserRequired({ loginUrl: "/login/", convertUrl: "/convert/?from=RealUsersOnlyView" })
  async realUsersCustom(_request: Request, context: HandlerContext) { return this.reply("realUsers", context); }
  @regularUserRequired({ redirectFieldName: "back" })
  realUsersBack(_request: Request, context: HandlerContext): Response | Promise<Response> {
    return this.reply("realUsers", context);
  }
  @regularUserRequired({ loginUrl: "https://auth.example.com/login/" })
  static async realUsersExternal(_request: Request, context: HandlerContext) {
    return new Pages().reply("realUsers", context);
  }
}
`;

/** Compiles {@link CONTROLLER} with TypeScript (ES2022 target: standard decorators lowered). */
function decoratedViews(): Views {
  const { outputText } = ts.transpileModule(CONTROLLER, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
  });
  const modules: Record<string, unknown> = { "../../../src/http/decorators.ts": decorators };
  const exports: { Pages?: new () => Record<keyof Views, WebHandler> } = {};
  new Function("exports", "require", outputText)(exports, (id: string) => modules[id]);
  const Pages = exports.Pages as NonNullable<typeof exports.Pages> &
    Pick<Views, "realUsersExternal">;
  const pages = new Pages();
  return {
    hello: (request, context) => pages.hello(request, context),
    onlyGuest: (request, context) => pages.onlyGuest(request, context),
    onlyGuestCustom: (request, context) => pages.onlyGuestCustom(request, context),
    realUsers: (request, context) => pages.realUsers(request, context),
    realUsersCustom: (request, context) => pages.realUsersCustom(request, context),
    realUsersBack: (request, context) => pages.realUsersBack(request, context),
    realUsersExternal: (request, context) => Pages.realUsersExternal(request, context),
  };
}

const SECRET = "x".repeat(40);
const PASSWORD = "correct-horse-battery-9";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const REGULAR = "/mixin/regular_user_required/";
const GUEST_ONLY = "/mixin/guest_user_required/?a=1";

type Visitor = "anonymous" | "guest" | "registered";

/** A migrated GuestUsers with its web layer, and ways to make visitors and visit a view. */
async function openSite(fx: DatabaseFixture, options: GuestUsersOptions = {}) {
  const gu = await fx.open({ secret: SECRET, ...options });
  const http = createGuestUserHttp(gu);
  const before = (await gu.stats()).guests;
  return {
    gu,
    /** Guests created since the site was opened (the whole block shares one database). */
    newGuests: async () => (await gu.stats()).guests - before,
    /** A logged-in visitor's cookie header and username; `anonymous` has neither. */
    async visitor(kind: Visitor): Promise<{ cookie?: string; username?: string }> {
      if (kind === "anonymous") return {};
      if (kind === "guest") {
        const { user, session } = await gu.createGuestSession();
        return { cookie: `guest_user_session=${session.token}`, username: user.username };
      }
      const username = `member_${randomBytes(6).toString("hex")}`;
      const user = await gu.createUser({ username, password1: PASSWORD, password2: PASSWORD });
      return { cookie: `guest_user_session=${(await gu.createSession(user.id)).token}`, username };
    },
    async visit(
      handler: WebHandler,
      path: string,
      init: { cookie?: string; userAgent?: string } = {},
    ) {
      const headers = new Headers();
      if (init.cookie) headers.set("cookie", init.cookie);
      // A browser unless the test names another User-Agent (no User-Agent never gets a guest).
      headers.set("user-agent", init.userAgent ?? BROWSER_USER_AGENT);
      const request = new Request(`http://localhost${path}`, { headers });
      const state = await http.resolve(request);
      const response = await handler(request, { http, state });
      expect(state.setCookies, "cookies left behind").toEqual([]);
      const { status, headers: out } = response;
      const [location, role, cookies] = [
        out.get("location"),
        out.get("x-role"),
        out.getSetCookie(),
      ];
      return { status, location, role, cookies, body: await response.text() };
    },
  };
}

/** The redirect rows of the SPEC table: view, path, visitor, Location (null: the view runs). */
const ROWS: readonly (readonly [keyof Views, string, Visitor, string | null])[] = [
  ["onlyGuest", GUEST_ONLY, "anonymous", "/accounts/login/"],
  ["onlyGuest", GUEST_ONLY, "guest", null],
  ["onlyGuest", GUEST_ONLY, "registered", "/accounts/profile/"],
  ["onlyGuestCustom", GUEST_ONLY, "anonymous", "/login/"],
  ["onlyGuestCustom", GUEST_ONLY, "guest", null],
  ["onlyGuestCustom", GUEST_ONLY, "registered", "/dashboard/"],
  ["realUsers", REGULAR, "anonymous", `/accounts/login/?next=${REGULAR}`],
  ["realUsers", REGULAR, "guest", `/convert/?next=${REGULAR}`],
  ["realUsers", REGULAR, "registered", null],
  [
    "realUsers",
    `${REGULAR}?a=1&b=2`,
    "anonymous",
    `/accounts/login/?next=${REGULAR}%3Fa%3D1%26b%3D2`,
  ],
  ["realUsersCustom", REGULAR, "anonymous", `/login/?next=${REGULAR}`],
  ["realUsersCustom", REGULAR, "guest", `/convert/?from=RealUsersOnlyView&next=${REGULAR}`],
  ["realUsersCustom", REGULAR, "registered", null],
  ["realUsersBack", REGULAR, "anonymous", `/accounts/login/?back=${REGULAR}`],
  ["realUsersBack", REGULAR, "guest", `/convert/?back=${REGULAR}`],
  [
    "realUsersExternal",
    REGULAR,
    "anonymous",
    `https://auth.example.com/login/?next=http%3A//localhost${REGULAR}`,
  ],
];

const FLAVOURS = [
  ["mixins", mixinViews],
  ["decorators", decoratedViews],
] as const;

describeEachDatabase("guarded views", (fx) => {
  for (const [flavour, build] of FLAVOURS) {
    describe(flavour, () => {
      const views = build();

      it("creates and logs in a guest for an anonymous visitor, then runs the view", async () => {
        const site = await openSite(fx);
        const created: string[] = [];
        site.gu.on("guestCreated", ({ user, request }) => {
          created.push(`${user.username} ${new URL(request.url).pathname}`);
        });
        const first = await site.visit(views.hello, "/hello/");
        expect([first.status, first.role]).toEqual([200, "hello"]);
        const username = first.body.replace("hello: ", "");
        expect(username).toMatch(/^[0-9a-f]{32}$/);
        expect(created).toEqual([`${username} /hello/`]);
        expect(first.cookies).toEqual([
          expect.stringMatching(/^guest_user_session=[\w-]+\.[\w-]+;.*HttpOnly/),
        ]);
        const cookie = first.cookies[0]?.split(";")[0];
        const again = await site.visit(views.hello, "/hello/", { cookie });
        expect([again.status, again.body, again.cookies]).toEqual([200, `hello: ${username}`, []]);
        expect(await site.newGuests()).toBe(1);
      });

      it("runs allowGuestUser's view for the anonymous visitor when the User-Agent is blocked or guests are disabled", async () => {
        for (const [options, userAgent] of [
          [{}, GOOGLEBOT],
          [{ enabled: false }, undefined],
        ] as const) {
          const site = await openSite(fx, options);
          const page = await site.visit(views.hello, "/hello/", { userAgent });
          expect([page.status, page.body, page.cookies]).toEqual([200, "hello: anonymous", []]);
          expect(await site.newGuests()).toBe(0);
        }
      });

      it("runs allowGuestUser's view for the same guest or registered user, creating no one", async () => {
        const site = await openSite(fx);
        for (const kind of ["guest", "registered"] as const) {
          const { cookie, username } = await site.visitor(kind);
          const page = await site.visit(views.hello, "/hello/", { cookie });
          expect([page.status, page.body, page.cookies], kind).toEqual([
            200,
            `hello: ${username}`,
            [],
          ]);
        }
        expect(await site.newGuests()).toBe(1);
      });

      it.each(ROWS)("%s at %s, %s visitor: %s", async (view, path, kind, location) => {
        const site = await openSite(fx);
        const { cookie, username } = await site.visitor(kind);
        const page = await site.visit(views[view], path, { cookie });
        if (location === null) {
          const role = view.replace(/(Custom|Back|External)$/, "");
          expect([page.status, page.body, page.location]).toEqual([
            200,
            `${role}: ${username}`,
            null,
          ]);
        } else {
          expect([page.status, page.location, page.body, page.cookies]).toEqual([
            302,
            location,
            "",
            [],
          ]);
        }
        expect(await site.newGuests()).toBe(kind === "guest" ? 1 : 0);
      });

      it("defaults to the requiredAnonUrl, requiredUserUrl, loginUrl and convertUrl settings", async () => {
        const site = await openSite(fx, {
          requiredAnonUrl: "/anon/",
          requiredUserUrl: "/member/",
          loginUrl: "/signin/",
          convertUrl: "/upgrade/",
        });
        const [guest, registered] = [await site.visitor("guest"), await site.visitor("registered")];
        expect((await site.visit(views.onlyGuest, GUEST_ONLY)).location).toBe("/anon/");
        expect((await site.visit(views.onlyGuest, GUEST_ONLY, registered)).location).toBe(
          "/member/",
        );
        expect((await site.visit(views.realUsers, REGULAR)).location).toBe(
          `/signin/?next=${REGULAR}`,
        );
        expect((await site.visit(views.realUsers, REGULAR, guest)).location).toBe(
          `/upgrade/?next=${REGULAR}`,
        );
      });

      it("puts a pending cookie (a stale session dropped) on the redirect exactly once", async () => {
        const site = await openSite(fx);
        const cookie = "guest_user_session=stale.token";
        for (const view of [views.onlyGuest, views.realUsers]) {
          const stale = await site.visit(view, REGULAR, { cookie });
          expect(stale.status).toBe(302);
          expect(stale.cookies).toEqual([
            expect.stringMatching(/^guest_user_session=;.*Max-Age=0/i),
          ]);
        }
      });
    });
  }
});
