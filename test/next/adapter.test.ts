/**
 * `guest-user/next` without Next: `headers()` and `cookies()` are stand-ins with the shapes
 * Next gives (one headers object per request; a cookie store whose `set` a server action may
 * call), route handlers get Web Requests. The browser test runs the real thing.
 */
import { describe, expect, it } from "vitest";
import { guestUserNext } from "../../src/adapters/next/index.ts";
import { parseSetCookie } from "../../src/adapters/next/request.ts";
import type { NextCookieOptions } from "../../src/adapters/next/types.ts";
import { type GuestUsersOptions, readBody } from "../../src/index.ts";
import { uniquePrefix } from "../support/adapter-servers.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const SECRET = "n".repeat(40);
const SESSION = "guest_user_session";
const ORIGIN = "http://localhost:3000";

/** One request as Next's `headers()`/`cookies()` see it; `written` is what `cookies().set` got. */
function nextRequest(extra: Record<string, string> = {}) {
  const headers = new Headers({
    host: "localhost:3000",
    "x-forwarded-host": "localhost:3000",
    "x-forwarded-proto": "http",
    "x-forwarded-for": "203.0.113.7",
    "user-agent": BROWSER_USER_AGENT,
    ...extra,
  });
  const written = new Map<string, { value: string; options?: NextCookieOptions }>();
  const store = {
    set(name: string, value: string, options?: NextCookieOptions) {
      written.set(name, { value, options });
    },
  };
  return {
    written,
    api: { headers: async () => headers, cookies: async () => store },
  };
}

/** A server action's request (React posts it with the browser's own same-origin word). */
const actionHeaders = { origin: ORIGIN, "sec-fetch-site": "same-origin", "next-action": "abc" };

describeEachDatabase("guest-user/next", (fx) => {
  const open = (options: GuestUsersOptions = {}) =>
    fx.open({ secret: SECRET, tablePrefix: uniquePrefix("next"), ...options });

  it("currentUser() in a server component: anonymous, and never makes a guest", async () => {
    const gu = await open();
    const page = nextRequest();
    const guestUser = guestUserNext(gu, page.api);
    expect(await guestUser.currentUser()).toEqual({
      user: null,
      isGuest: false,
      expiresAt: null,
      canBecomeGuest: true,
    });
    expect((await gu.stats()).guests).toBe(0);
    expect(page.written.size).toBe(0);

    const crawler = nextRequest({
      "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)",
    });
    const forCrawler = guestUserNext(gu, crawler.api);
    expect((await forCrawler.currentUser()).canBecomeGuest).toBe(false);
  });

  it("ensureGuest() in a server action makes one guest, writes its cookie, and the page sees it", async () => {
    const gu = await open();
    const action = nextRequest(actionHeaders);
    const guestUser = guestUserNext(gu, action.api);
    const guest = await guestUser.ensureGuest();
    expect(guest?.isGuest).toBe(true);
    const cookie = action.written.get(SESSION);
    expect(cookie?.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    expect(cookie?.options?.secure).toBeUndefined();
    expect(cookie?.options?.maxAge).toBeGreaterThan(0);
    // Same request: a second call and the page re-rendered after the action see that guest.
    expect((await guestUser.ensureGuest())?.id).toBe(guest?.id);
    expect((await guestUser.currentUser()).user?.id).toBe(guest?.id);
    expect((await gu.stats()).guests).toBe(1);

    // The next request carries the cookie: the server component finds the guest.
    const later = nextRequest({ cookie: `${SESSION}=${cookie?.value}` });
    const next = await guestUserNext(gu, later.api).currentUser();
    expect(next).toMatchObject({ isGuest: true, canBecomeGuest: false });
    expect(next.user?.id).toBe(guest?.id);
    // Its deadline, read by the same lookup: the clean-up's rule.
    expect(next.expiresAt).toBe(await gu.expiresAt(guest?.id as number));
  });

  it("withGuest() hands the guest to the action, before its own arguments", async () => {
    const gu = await open();
    const guestUser = guestUserNext(gu, nextRequest(actionHeaders).api);
    const addNote = guestUser.withGuest(async (user, text: string) => `${user?.username}: ${text}`);
    expect(await addNote("hello")).toMatch(/^.+: hello$/);
    expect((await gu.stats()).guests).toBe(1);
  });

  it('"onWrite" mode: a cross-site action makes no guest; a same-origin one does', async () => {
    const gu = await open({ createGuests: "onWrite" });
    const crossSite = nextRequest({
      origin: "https://evil.example",
      "sec-fetch-site": "cross-site",
    });
    expect(await guestUserNext(gu, crossSite.api).ensureGuest()).toBeNull();
    expect(crossSite.written.has(SESSION)).toBe(false);
    expect((await gu.stats()).guests).toBe(0);
    expect((await guestUserNext(gu, nextRequest(actionHeaders).api).ensureGuest())?.isGuest).toBe(
      true,
    );
  });

  it("logOut() ends the session and clears the cookie", async () => {
    const gu = await open();
    const first = nextRequest(actionHeaders);
    await guestUserNext(gu, first.api).ensureGuest();
    const token = first.written.get(SESSION)?.value;
    const action = nextRequest({ ...actionHeaders, cookie: `${SESSION}=${token}` });
    await guestUserNext(gu, action.api).logOut();
    expect(action.written.get(SESSION)).toMatchObject({ value: "", options: { maxAge: 0 } });
    expect(await gu.validateSession(token)).toBeNull();
  });

  it("route handlers: allowGuestUser sets the cookie on the Response; guards redirect", async () => {
    const gu = await open();
    const guestUser = guestUserNext(gu, nextRequest().api);
    const GET = guestUser.allowGuestUser(async (_request, { user, isGuest }) =>
      Response.json({ id: user?.id ?? null, isGuest }),
    );
    const response = await GET(
      new Request(`${ORIGIN}/api/me`, { headers: { "user-agent": BROWSER_USER_AGENT } }),
    );
    const body = (await response.json()) as { id: number | null; isGuest: boolean };
    expect(body.isGuest).toBe(true);
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    const cookie = setCookie?.split(";")[0] ?? "";

    const billing = guestUser.regularUserRequired(async () => new Response("paid area"));
    const asGuest = await billing(new Request(`${ORIGIN}/billing/`, { headers: { cookie } }));
    expect(asGuest.status).toBe(302);
    expect(asGuest.headers.get("location")).toBe("/convert/?next=/billing/");
    const anonymous = await billing(new Request(`${ORIGIN}/billing/`));
    expect(anonymous.headers.get("location")).toBe("/accounts/login/?next=/billing/");

    const welcome = guestUser.guestUserRequired(
      async (_r, { user }) => new Response(user?.username),
    );
    expect((await welcome(new Request(`${ORIGIN}/welcome/`, { headers: { cookie } }))).status).toBe(
      200,
    );
  });

  it("routeHandlers() serves the account views with or without the trailing slash", async () => {
    const gu = await open();
    const { GET, POST, HEAD } = guestUserNext(gu, nextRequest().api).routeHandlers();
    for (const path of ["/accounts/login/", "/accounts/login", "/accounts/signup/"]) {
      const response = await GET(new Request(`${ORIGIN}${path}`));
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain("<form");
    }
    expect((await HEAD(new Request(`${ORIGIN}/accounts/login/`, { method: "HEAD" }))).status).toBe(
      200,
    );
    expect((await GET(new Request(`${ORIGIN}/accounts/nothing-here/`))).status).toBe(404);
    const wrongMethod = await POST(
      new Request(`${ORIGIN}/accounts/profile/`, { method: "POST", body: "" }),
    );
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
    // A login form post without the CSRF token changes nothing.
    const forged = await POST(
      new Request(`${ORIGIN}/accounts/login/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "username=a&password=b",
      }),
    );
    expect(forged.status).toBe(403);
    expect((await gu.stats()).guests).toBe(0);
  });

  it("route handlers: a JSON body nested 5,000 levels deep is a 400 BODY_TOO_DEEP, in the views and in a handler reading it with readBody", async () => {
    const errors: unknown[] = [];
    const gu = await open({ logger: { warn() {}, error: (...args) => errors.push(args) } });
    const guestUser = guestUserNext(gu, nextRequest().api);
    const deep = `{"username":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const jsonPost = (path: string) =>
      new Request(`${ORIGIN}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: deep,
      });
    const { POST } = guestUser.routeHandlers();
    const notes = guestUser.allowGuestUser(async (request) => {
      const { fields } = await readBody(request);
      return Response.json(fields);
    });
    for (const response of [
      await POST(jsonPost("/accounts/login/")),
      await notes(jsonPost("/notes")),
    ]) {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "BODY_TOO_DEEP" } });
    }
    expect(errors).toEqual([]);
  });
});

describe("parseSetCookie", () => {
  it("takes apart the cookies the web layer writes", () => {
    expect(
      parseSetCookie(
        "sid=abc.def; Max-Age=60; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax",
      ),
    ).toEqual({
      name: "sid",
      value: "abc.def",
      options: {
        maxAge: 60,
        domain: "example.com",
        path: "/",
        httpOnly: true,
        secure: true,
        sameSite: "lax",
      },
    });
    expect(parseSetCookie("sid=; Max-Age=0; Path=/")).toEqual({
      name: "sid",
      value: "",
      options: { maxAge: 0, path: "/" },
    });
  });
});

describeEachDatabase("guest-user/next proxy", (fx) => {
  /** `NextResponse.next()` as the proxy sees it; `forwarded` is the request headers passed on. */
  function fakeNextResponse() {
    const calls: (Headers | undefined)[] = [];
    return {
      calls,
      api: {
        next(init?: { request?: { headers?: Headers } }) {
          calls.push(init?.request?.headers);
          return new Response(null, { headers: { "x-middleware-next": "1" } });
        },
      },
    };
  }
  const page = (cookie?: string) =>
    new Request(`${ORIGIN}/`, {
      headers: { "user-agent": BROWSER_USER_AGENT, ...(cookie ? { cookie } : {}) },
    });

  it("passes an anonymous visit on untouched, and makes no guest unless asked", async () => {
    const gu = await fx.open({ secret: SECRET, tablePrefix: uniquePrefix("nextproxy") });
    const responses = fakeNextResponse();
    const proxy = guestUserNext(gu, nextRequest().api).proxy(responses.api);
    const response = await proxy(page("theme=dark"));
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(responses.calls).toEqual([undefined]);
    expect((await gu.stats()).guests).toBe(0);
  });

  it("allowGuestUser: the new guest's cookie goes to the browser AND to this request's render", async () => {
    const gu = await fx.open({ secret: SECRET, tablePrefix: uniquePrefix("nextproxy") });
    const responses = fakeNextResponse();
    const guestUser = guestUserNext(gu, nextRequest().api);
    const proxy = guestUser.proxy(responses.api, { allowGuestUser: true });
    const response = await proxy(page("theme=dark"));
    const session = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION}=`));
    expect(session).toMatch(/HttpOnly/);
    const forwarded = responses.calls[0]?.get("cookie") ?? "";
    expect(forwarded).toContain("theme=dark");
    expect(forwarded).toContain(session?.split(";")[0]);
    expect((await gu.stats()).guests).toBe(1);
    // The page rendered after the proxy (same request, forwarded headers) sees the guest.
    const render = nextRequest({ cookie: forwarded });
    expect((await guestUserNext(gu, render.api).currentUser()).isGuest).toBe(true);
  });

  it("re-sends the cookie of a session whose expiry it extended; drops a stale one", async () => {
    let now = Date.UTC(2026, 0, 1);
    const gu = await fx.open({
      secret: SECRET,
      tablePrefix: uniquePrefix("nextproxy"),
      clock: () => now,
    });
    const action = nextRequest(actionHeaders);
    await guestUserNext(gu, action.api).ensureGuest();
    const token = action.written.get(SESSION)?.value ?? "";
    const responses = fakeNextResponse();
    const proxy = guestUserNext(gu, nextRequest().api).proxy(responses.api);

    expect((await proxy(page(`${SESSION}=${token}`))).headers.getSetCookie()).toEqual([]);
    now += (gu.settings.session.refreshInterval + 60) * 1000;
    const refreshed = (await proxy(page(`${SESSION}=${token}`))).headers.getSetCookie();
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toMatch(
      new RegExp(`^${SESSION}=${token.replace(/[.]/g, "\\.")}; Max-Age=`),
    );

    const stale = await proxy(page(`${SESSION}=${token.slice(0, -2)}xx; theme=dark`));
    expect(stale.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION}=; Max-Age=0`));
    expect(responses.calls.at(-1)?.get("cookie")).toBe("theme=dark");
  });
});
