/**
 * The SPEC section 3 table, over real HTTP, for any adapter. Each adapter's test starts a
 * server with the routes below and hands it to {@link describeAdapter}.
 *
 * Routes every test app serves (JSON `{ user }` unless redirected):
 * - `/allow_guest_user/`, `/guest_user_required/`, `/regular_user_required/`: the three guards
 * - `/custom_guest/`: guestUserRequired({ anonymousUrl: "/anon/", registeredUrl: "/home/" })
 * - `/custom_regular/`: regularUserRequired({ loginUrl: "/signin/", convertUrl: "/upgrade/?from=x", redirectFieldName: "back" })
 * - `/whoami/`: no guard, reads the user the session middleware resolved
 * - `/maybe/`: calls the adapter's maybeCreateGuestUser, answers `{ user, created, isGuest }`
 * - the routes of {@link testRoutes} (test Web routes and the built-in account views), mounted
 *   with the adapter's `routes()`
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GuestUserHttp } from "../../../src/http/guest-user-http.ts";
import type { WebRoute } from "../../../src/http/handler.ts";
import { userJson } from "../../../src/http/request.ts";
import { accountViews } from "../../../src/http/views/index.ts";
import type { GuestUsers } from "../../../src/index.ts";
import { cookieHeader, storeSetCookies } from "../../support/cookies.ts";
import { describeEachDatabase, testClock } from "../../support/guest-users.ts";

export const SECRET = "x".repeat(40);
const COOKIE = "guest_user_session";
const PASSWORD = "correct horse battery staple";

/** A running test server. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts an adapter's test app on a free port. */
export type StartServer = (guestUsers: GuestUsers) => Promise<RunningServer>;

/** Web routes the apps mount through the adapter's `routes()`. */
export const webRoutes: readonly WebRoute[] = [
  {
    methods: ["GET", "POST"],
    path: "/web/echo/",
    async handler(request, { state }) {
      const form = request.method === "POST" ? await request.formData() : new FormData();
      const fields: Record<string, string[]> = {};
      for (const [name, value] of form) fields[name] = [...(fields[name] ?? []), String(value)];
      return Response.json({
        method: request.method,
        url: request.url,
        fields,
        ...userJson(state.user),
      });
    },
  },
  {
    methods: ["GET"],
    path: "/web/guest/",
    async handler(request, { http, state }) {
      await http.maybeCreateGuestUser(request, state);
      return Response.json(userJson(state.user), { headers: { "x-web": "1" } });
    },
  },
  {
    methods: ["POST"],
    path: "/web/logout/",
    async handler(request, { http, state }) {
      await http.logOut(request, state);
      return new Response(null, { status: 303, headers: { location: "/" } });
    },
  },
];

/** Everything the test apps mount with `routes()`: {@link webRoutes} and `accountViews(http)`. */
export function testRoutes(http: GuestUserHttp): readonly WebRoute[] {
  return [...webRoutes, ...accountViews(http)];
}

type UserBody = { user: { id: number | string; username: string; isGuest: boolean } | null };

/** A browser-like client: a cookie jar, no redirect following. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has("cookie")) {
      headers.set("cookie", cookieHeader(this.cookies));
    }
    const response = await fetch(new URL(path, this.base), {
      ...init,
      headers,
      redirect: "manual",
    });
    storeSetCookies(this.cookies, response);
    return response;
  }

  async json(path: string, init?: RequestInit): Promise<UserBody> {
    const response = await this.fetch(path, init);
    expect(response.status).toBe(200);
    return (await response.json()) as UserBody;
  }
}

/** The session cookie's Set-Cookie line of a response, if any. */
export function sessionCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`));
}

/** Creates a registered user and a client logged in as it. */
export async function registeredClient(guestUsers: GuestUsers, base: string, username: string) {
  const user = await guestUsers.createUser({ username, password1: PASSWORD, password2: PASSWORD });
  const client = new Client(base);
  client.cookies.set(COOKIE, (await guestUsers.createSession(user.id)).token);
  return { user, client };
}

/** A client that is a guest already (made by a first visit). */
export async function guestClient(base: string) {
  const client = new Client(base);
  const { user } = await client.json("/allow_guest_user/");
  if (!user?.isGuest) throw new Error("expected a guest");
  return { user, client };
}

/**
 * Runs the SPEC section 3 table (and the adapter basics) against servers made by `start`,
 * on SQLite, PostgreSQL and MariaDB.
 */
export function describeAdapter(
  name: string,
  start: StartServer,
  extra?: (server: () => RunningServer, guestUsers: () => GuestUsers) => void,
) {
  describeEachDatabase(name, (fx) => {
    let guestUsers: GuestUsers;
    let server: RunningServer;
    const servers: RunningServer[] = [];
    const startWith = async (options: Parameters<typeof fx.open>[0] = {}) => {
      const running = await start(await fx.open({ secret: SECRET, ...options }));
      servers.push(running);
      return running;
    };

    beforeAll(async () => {
      guestUsers = await fx.open({ secret: SECRET });
      server = await start(guestUsers);
      servers.push(server);
    });
    afterAll(async () => {
      for (const running of servers) await running.close();
    });

    it("allow_guest_user: anonymous gets a new guest and an HttpOnly, SameSite=Lax cookie (no Secure on localhost)", async () => {
      const client = new Client(server.url);
      const response = await client.fetch("/allow_guest_user/");
      expect(response.status).toBe(200);
      const body = (await response.json()) as UserBody;
      expect(body.user).toMatchObject({ isGuest: true });
      const cookie = sessionCookie(response) ?? "";
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; Max-Age=\d+/);
      expect(cookie).not.toMatch(/Secure/i);
      expect(await guestUsers.isGuestUser(body.user?.id ?? -1)).toBe(true);
    });

    it("guestCreated fires once with the visitor's request (headers included)", async () => {
      const seen: { id: unknown; url: string; agent: string | null }[] = [];
      const stop = guestUsers.on("guestCreated", ({ user, request }) => {
        seen.push({ id: user.id, url: request.url, agent: request.headers.get("user-agent") });
      });
      // A browser's User-Agent (isbot lets it through) with a marker to recognise it by.
      const probe =
        "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0 probe/1.0";
      try {
        const client = new Client(server.url);
        const { user } = await client.json("/allow_guest_user/?x=1", {
          headers: { "user-agent": probe },
        });
        await client.json("/allow_guest_user/");
        expect(seen).toEqual([
          { id: user?.id, url: `${server.url}/allow_guest_user/?x=1`, agent: probe },
        ]);
      } finally {
        stop();
      }
    });

    it("allow_guest_user: a returning guest keeps the same user, no new cookie", async () => {
      const { user, client } = await guestClient(server.url);
      const again = await client.fetch("/allow_guest_user/");
      expect(((await again.json()) as UserBody).user).toEqual(user);
      expect(sessionCookie(again)).toBeUndefined();
      expect((await client.json("/whoami/")).user).toEqual(user);
    });

    it("allow_guest_user: a registered user passes as itself", async () => {
      const { user, client } = await registeredClient(guestUsers, server.url, "reg_allow");
      expect((await client.json("/allow_guest_user/")).user).toEqual({
        id: user.id,
        username: user.username,
        isGuest: false,
      });
    });

    it("guest_user_required: anonymous -> 302 requiredAnonUrl without next, no guest made", async () => {
      const response = await new Client(server.url).fetch("/guest_user_required/");
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/accounts/login/");
      expect(sessionCookie(response)).toBeUndefined();
    });

    it("guest_user_required: a guest passes", async () => {
      const { user, client } = await guestClient(server.url);
      expect((await client.json("/guest_user_required/")).user).toEqual(user);
    });

    it("guest_user_required: registered -> 302 requiredUserUrl without next", async () => {
      const { client } = await registeredClient(guestUsers, server.url, "reg_guest_only");
      const response = await client.fetch("/guest_user_required/?a=1");
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/accounts/profile/");
    });

    it("regular_user_required: anonymous -> 302 login with next, no guest made", async () => {
      const response = await new Client(server.url).fetch("/regular_user_required/");
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(
        "/accounts/login/?next=/regular_user_required/",
      );
      expect(sessionCookie(response)).toBeUndefined();
    });

    it("regular_user_required: a guest -> 302 convert with next (query kept)", async () => {
      const { client } = await guestClient(server.url);
      const response = await client.fetch("/regular_user_required/");
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/convert/?next=/regular_user_required/");
      const withQuery = await client.fetch("/regular_user_required/?a=1&b=2");
      expect(withQuery.headers.get("location")).toBe(
        "/convert/?next=/regular_user_required/%3Fa%3D1%26b%3D2",
      );
    });

    it("regular_user_required: a registered user passes", async () => {
      const { user, client } = await registeredClient(guestUsers, server.url, "reg_regular");
      expect((await client.json("/regular_user_required/")).user).toMatchObject({
        id: user.id,
        isGuest: false,
      });
    });

    it("guard options: custom URLs and redirect field name", async () => {
      const anonymous = new Client(server.url);
      expect((await anonymous.fetch("/custom_guest/")).headers.get("location")).toBe("/anon/");
      expect((await anonymous.fetch("/custom_regular/")).headers.get("location")).toBe(
        "/signin/?back=/custom_regular/",
      );
      const { client } = await guestClient(server.url);
      expect((await client.fetch("/custom_regular/")).headers.get("location")).toBe(
        "/upgrade/?from=x&back=/custom_regular/",
      );
      const registered = await registeredClient(guestUsers, server.url, "reg_custom");
      expect((await registered.client.fetch("/custom_guest/")).headers.get("location")).toBe(
        "/home/",
      );
    });

    it("a blocked User-Agent passes anonymous, with no cookie", async () => {
      const response = await new Client(server.url).fetch("/allow_guest_user/", {
        headers: {
          "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ user: null });
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it("enabled: false passes anonymous, with no cookie", async () => {
      const disabled = await startWith({ enabled: false });
      const response = await new Client(disabled.url).fetch("/allow_guest_user/");
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ user: null });
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it.each([
      ["garbage", `${COOKIE}=garbage`],
      [
        "forged token",
        `${COOKIE}=AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB`,
      ],
      ["bad characters", `${COOKIE}=%zz%00"\\`],
      ["empty", `${COOKIE}=`],
      ["broken header", `;;=;${COOKIE};==`],
      ["huge", `${COOKIE}=${"a".repeat(8000)}`],
    ])("a malformed cookie (%s) is anonymous, never a 500", async (_label, cookie) => {
      const client = new Client(server.url);
      const guarded = await client.fetch("/regular_user_required/", { headers: { cookie } });
      expect(guarded.status).toBe(302);
      expect(guarded.headers.get("location")).toBe("/accounts/login/?next=/regular_user_required/");
      const allowed = await client.fetch("/allow_guest_user/", { headers: { cookie } });
      expect(allowed.status).toBe(200);
      expect(((await allowed.json()) as UserBody).user?.isGuest).toBe(true);
    });

    it("two parallel first requests both succeed; each cookie logs in as its own guest", async () => {
      const clients = [new Client(server.url), new Client(server.url)];
      const first = await Promise.all(clients.map((client) => client.json("/allow_guest_user/")));
      for (const [index, client] of clients.entries()) {
        expect(first[index]?.user?.isGuest).toBe(true);
        expect((await client.json("/whoami/")).user).toEqual(first[index]?.user);
      }
    });

    it("a refreshed session re-sends its cookie, even on a page without guard", async () => {
      const clock = testClock(Date.now());
      const refreshing = await startWith({ clock: clock.now });
      const { user, client } = await guestClient(refreshing.url);
      clock.advance(3601);
      const response = await client.fetch("/whoami/");
      expect(((await response.json()) as UserBody).user).toEqual(user);
      expect(sessionCookie(response)).toMatch(/; Max-Age=1209600;/);
    });

    it("whoami: the session middleware resolves without any guard, anonymous stays anonymous", async () => {
      const response = await new Client(server.url).fetch("/whoami/");
      expect(await response.json()).toEqual({ user: null });
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it("maybeCreateGuestUser creates once, then returns null", async () => {
      const client = new Client(server.url);
      const first = await client.fetch("/maybe/");
      expect(await first.json()).toMatchObject({ created: true, isGuest: true });
      expect(sessionCookie(first)).toBeDefined();
      expect(await (await client.fetch("/maybe/")).json()).toMatchObject({
        created: false,
        isGuest: true,
      });
    });

    it("routes(): a mounted Web handler answers GET with the user and its URL", async () => {
      const { user, client } = await guestClient(server.url);
      const body = (await (await client.fetch("/web/echo/?q=1")).json()) as UserBody & {
        url: string;
      };
      expect(body.user).toEqual(user);
      expect(body.url).toBe(`${server.url}/web/echo/?q=1`);
    });

    it("routes(): a POSTed URL-encoded form reaches the Web handler (repeated fields kept)", async () => {
      const response = await new Client(server.url).fetch("/web/echo/", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=1&a=2&b=x+y&c=%C3%A9%26",
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        method: "POST",
        fields: { a: ["1", "2"], b: ["x y"], c: ["é&"] },
      });
    });

    it("routes(): cookies a Web handler causes reach the browser; its own headers too", async () => {
      const client = new Client(server.url);
      const response = await client.fetch("/web/guest/");
      expect(response.headers.get("x-web")).toBe("1");
      expect(sessionCookie(response)).toBeDefined();
      const { user } = (await response.json()) as UserBody;
      expect((await client.json("/whoami/")).user).toEqual(user);
      const out = await client.fetch("/web/logout/", { method: "POST" });
      expect(out.status).toBe(303);
      expect(sessionCookie(out)).toMatch(/Max-Age=0/);
      expect((await client.json("/whoami/")).user).toBeNull();
    });

    it("routes(): other paths and methods fall through", async () => {
      expect((await new Client(server.url).fetch("/web/guest/", { method: "POST" })).status).toBe(
        404,
      );
      expect((await new Client(server.url).fetch("/nowhere/")).status).toBe(404);
    });

    it("convert view: anonymous and registered visitors are sent away", async () => {
      const anonymous = await new Client(server.url).fetch("/convert/");
      expect([anonymous.status, anonymous.headers.get("location")]).toEqual([
        302,
        "/accounts/login/",
      ]);
      const { client } = await registeredClient(guestUsers, server.url, "reg_convert");
      const registered = await client.fetch("/convert/");
      expect([registered.status, registered.headers.get("location")]).toEqual([
        302,
        "/accounts/profile/",
      ]);
    });

    it("convert flow: GET form with csrf_token, POST converts the same user, new cookie", async () => {
      const { user, client } = await guestClient(server.url);
      const oldToken = client.cookies.get(COOKIE);
      const page = await client.fetch("/convert/?next=/regular_user_required/");
      expect(page.status).toBe(200);
      const html = await page.text();
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? "";
      expect(csrf).not.toBe("");
      const post = (fields: Record<string, string>) =>
        client.fetch("/convert/", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(fields).toString(),
        });
      const form = {
        username: "converted_user",
        password1: PASSWORD,
        password2: PASSWORD,
        next: "/regular_user_required/",
      };

      expect((await post(form)).status).toBe(403); // no csrf_token
      const invalid = await post({
        ...form,
        password2: "something else entirely",
        csrf_token: csrf,
      });
      expect(invalid.status).toBe(200);
      expect(await invalid.text()).toContain("csrf_token");
      expect(await guestUsers.isGuestUser(user.id)).toBe(true);

      const done = await post({ ...form, csrf_token: csrf });
      expect(done.status).toBe(302);
      expect(done.headers.get("location")).toBe("/regular_user_required/");
      expect(sessionCookie(done)).toBeDefined();
      expect(client.cookies.get(COOKIE)).not.toBe(oldToken);
      const after = { id: user.id, username: "converted_user", isGuest: false };
      expect((await client.json("/whoami/")).user).toEqual(after);
      expect((await client.json("/regular_user_required/")).user).toEqual(after);
      expect((await client.fetch("/convert/success/")).status).toBe(200);
      const stale = new Client(server.url);
      stale.cookies.set(COOKIE, oldToken ?? "");
      expect((await stale.json("/whoami/")).user).toBeNull();
    });

    extra?.(
      () => server,
      () => guestUsers,
    );
  });
}
