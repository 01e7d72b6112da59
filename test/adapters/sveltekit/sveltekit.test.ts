/**
 * `guest-user/sveltekit` on a real HTTP server without SvelteKit: a stand-in of SvelteKit's
 * runtime (an event per request with `locals`, `resolve` rendering a tiny router with a `load`
 * and form actions, and a `Redirect` class that only its own `redirect()` throws, as kit's is).
 * The browser test (test/sveltekit) runs the real thing.
 */
import { ECONNREFUSED } from "node:constants";
import { describe, expect, it } from "vitest";
import { guestUserSvelteKit } from "../../../src/adapters/sveltekit/index.ts";
import type {
  GuestUserSvelteKitOptions,
  SvelteKitEvent,
} from "../../../src/adapters/sveltekit/types.ts";
import { createGuestUserHttp } from "../../../src/http/guest-user-http.ts";
import { DatabaseUnavailableError, type GuestUsersOptions } from "../../../src/index.ts";
import { closedAfterTest, listenHono, uniquePrefix } from "../../support/adapter-servers.ts";
import { BROWSER_USER_AGENT } from "../../support/browser-fetch.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";

const SECRET = "k".repeat(40);
const SESSION = "guest_user_session";

/** SvelteKit's Redirect: only an instance of the app's own copy is a redirect. */
class Redirect {
  constructor(
    readonly status: number,
    readonly location: string,
  ) {}
}
const redirect = (status: 302, location: string): never => {
  throw new Redirect(status, location);
};

/** The app's routes, as `resolve` renders them; an action's or load's Redirect becomes a 302. */
type Route = (event: SvelteKitEvent) => Promise<unknown>;

/** Serves `guestUser.handle` over HTTP, with `routes` behind `resolve` (keyed "GET /path"). */
async function serve(
  guestUser: ReturnType<typeof guestUserSvelteKit>,
  routes: Record<string, Route>,
  resolved: string[] = [],
) {
  const server = await listenHono({
    fetch: (request: Request) =>
      guestUser.handle({
        event: {
          request,
          url: new URL(request.url),
          locals: {},
          getClientAddress: () => "203.0.113.7",
        },
        async resolve(event) {
          const key = `${event.request.method} ${event.url.pathname}${event.url.search}`;
          resolved.push(key);
          const route = routes[key];
          if (!route) return new Response("Not Found", { status: 404 });
          try {
            return Response.json(await route(event));
          } catch (error) {
            if (!(error instanceof Redirect)) throw error;
            return new Response(null, {
              status: error.status,
              headers: { location: error.location },
            });
          }
        },
      }),
  });
  return closedAfterTest(server);
}

const browser = (extra: Record<string, string> = {}) => ({
  "user-agent": BROWSER_USER_AGENT,
  ...extra,
});
/** A form action's POST from the app's own page (the browser's same-origin word). */
const formPost = (body: string, extra: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: browser({
    "content-type": "application/x-www-form-urlencoded",
    "sec-fetch-site": "same-origin",
    ...extra,
  }),
  body,
  redirect: "manual",
});
const sessionOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .find((cookie) => cookie.startsWith(`${SESSION}=`))
    ?.split(";")[0];

describeEachDatabase("guest-user/sveltekit", (fx) => {
  const open = (options: GuestUsersOptions = {}) =>
    fx.open({ secret: SECRET, tablePrefix: uniquePrefix("kit"), ...options });
  const adapter = async (
    options: GuestUsersOptions = {},
    adapterOptions: GuestUserSvelteKitOptions = { redirect },
  ) => {
    const gu = await open(options);
    return { gu, guestUser: guestUserSvelteKit(gu, adapterOptions) };
  };

  it("handle: locals for the load, no guest made, a stale cookie dropped", async () => {
    const { gu, guestUser } = await adapter();
    const url = await serve(guestUser, {
      "GET /": async (event) => ({
        locals: {
          user: (event.locals as { user: unknown }).user,
          isGuest: (event.locals as { isGuest: unknown }).isGuest,
        },
        me: await guestUser.currentUser(event),
      }),
    });
    const response = await fetch(`${url}/`, {
      headers: browser({ cookie: `${SESSION}=stale.value` }),
    });
    expect(await response.json()).toEqual({
      locals: { user: null, isGuest: false },
      me: { user: null, isGuest: false, expiresAt: null, canBecomeGuest: true },
    });
    expect(response.headers.getSetCookie()).toEqual([
      expect.stringMatching(/^guest_user_session=; Max-Age=0/),
    ]);
    expect((await gu.stats()).guests).toBe(0);
  });

  it("a form action makes the guest on the first write (onWrite: same-origin only), then reuses it", async () => {
    const { gu, guestUser } = await adapter({ createGuests: "onWrite" });
    const url = await serve(guestUser, {
      "POST /?/add": guestUser.withGuest(async (event, user) => ({
        id: user?.id ?? null,
        text: (await event.request.formData()).get("text"),
        localsUser: (event.locals as { user: { id: number } | null }).user?.id ?? null,
      })),
    });
    const crossSite = await fetch(
      `${url}/?/add`,
      formPost("text=hi", { "sec-fetch-site": "cross-site", origin: "https://evil.example" }),
    );
    expect(await crossSite.json()).toEqual({ id: null, text: "hi", localsUser: null });
    expect((await gu.stats()).guests).toBe(0);

    const first = await fetch(`${url}/?/add`, formPost("text=first"));
    const made = (await first.json()) as { id: number; text: string; localsUser: number };
    expect(made).toEqual({ id: expect.any(Number), text: "first", localsUser: made.id });
    const cookie = sessionOf(first);
    expect(first.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax/);

    const second = await fetch(`${url}/?/add`, formPost("text=second", { cookie: cookie ?? "" }));
    expect(((await second.json()) as { id: number }).id).toBe(made.id);
    expect((await gu.stats()).guests).toBe(1);
  });

  it("answers the built-in views itself, with or without the trailing slash; 405 for another method", async () => {
    const { guestUser } = await adapter();
    const resolved: string[] = [];
    const url = await serve(guestUser, {}, resolved);
    for (const path of ["/accounts/login/", "/accounts/login", "/accounts/signup/"]) {
      const response = await fetch(`${url}${path}`, { headers: browser() });
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain("<form");
    }
    const convert = await fetch(`${url}/convert`, { headers: browser(), redirect: "manual" });
    expect(convert.status).toBe(302); // anonymous visitors cannot convert: to log in
    const put = await fetch(`${url}/accounts/login/`, { method: "PUT", headers: browser() });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toContain("POST");
    expect(resolved).toEqual([]);
  });

  it("guards throw the app's redirect: regularUserRequired sends a guest to convert with next", async () => {
    const { guestUser } = await adapter();
    const url = await serve(guestUser, {
      "POST /?/add": guestUser.withGuest(async (_event, user) => ({ id: user?.id })),
      "GET /settings": async (event) => {
        await guestUser.regularUserRequired(event);
        return { ok: true };
      },
      "GET /welcome": async (event) => {
        await guestUser.guestUserRequired(event);
        return { guest: guestUser.isGuestUser(event) };
      },
    });
    const anonymous = await fetch(`${url}/settings`, { headers: browser(), redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/accounts/login/?next=/settings");

    const cookie = sessionOf(await fetch(`${url}/?/add`, formPost("text=x"))) ?? "";
    const guest = await fetch(`${url}/settings`, {
      headers: browser({ cookie }),
      redirect: "manual",
    });
    expect(guest.headers.get("location")).toBe("/convert/?next=/settings");
    expect(await (await fetch(`${url}/welcome`, { headers: browser({ cookie }) })).json()).toEqual({
      guest: true,
    });
  });

  it("quota(event, name): null while units are left, then the 429 Response to return (issue 20)", async () => {
    const { guestUser } = await adapter({
      quotas: { ai: { guest: { max: 2, windowSeconds: 60 }, registered: null } },
    });
    const url = await serve(guestUser, {
      "POST /ask": async (event) => {
        const refused = await guestUser.quota(event, "ai");
        if (refused) return { status: refused.status, body: await refused.json() };
        const { quota } = (event.locals as { guestUser: { quota: { remaining: number } } })
          .guestUser;
        return { remaining: quota.remaining };
      },
    });
    let cookie = "";
    const answers: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${url}/ask`, {
        method: "POST",
        headers: browser({ accept: "application/json", ...(cookie && { cookie }) }),
      });
      cookie = sessionOf(response) ?? cookie;
      answers.push(await response.json());
    }
    expect(answers).toEqual([
      { remaining: 1 },
      { remaining: 0 },
      {
        status: 429,
        body: {
          error: { code: "QUOTA_EXCEEDED", message: expect.any(String) },
          quota: { name: "ai", limit: 2, remaining: 0, resetAt: expect.any(String) },
          upgradeUrl: "/convert/?next=/ask",
        },
      },
    ]);
  });

  it("says what is missing: the handle hook, or `redirect` for a guard", async () => {
    const { guestUser } = await adapter({}, {});
    const event = {
      request: new Request("http://localhost/"),
      url: new URL("http://localhost/"),
      locals: {},
    };
    await expect(guestUser.currentUser(event)).rejects.toThrow(/handle hook did not run/);
    const url = await serve(guestUser, {
      "GET /settings": async (event) => {
        try {
          await guestUser.regularUserRequired(event);
          return { passed: true };
        } catch (error) {
          return { code: (error as { code?: string }).code, message: (error as Error).message };
        }
      },
    });
    const answer = await (await fetch(`${url}/settings`, { headers: browser() })).json();
    expect(answer).toEqual({
      code: "INVALID_CONFIG",
      message: expect.stringContaining("@sveltejs/kit"),
    });
  });
});

describe("guest-user/sveltekit failures", () => {
  it("a database outage while resolving the visitor answers 503 with Retry-After", async () => {
    const { createGuestUsers } = await import("../../../src/index.ts");
    const gu = createGuestUsers({
      secret: SECRET,
      database: "sqlite::memory:",
      logger: { warn() {}, error() {} },
    });
    const http = createGuestUserHttp(gu);
    const down = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
      code: "ECONNREFUSED",
      errno: -ECONNREFUSED,
    });
    const guestUser = guestUserSvelteKit(gu, {
      http: {
        ...http,
        resolve: async () => {
          throw new DatabaseUnavailableError(down);
        },
      },
    });
    const url = await serve(guestUser, { "GET /": async () => ({ rendered: true }) });
    const response = await fetch(`${url}/`, { headers: browser() });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    await gu.close();
  });
});
