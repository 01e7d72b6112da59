import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GuestUserExpress, guestUserExpress } from "../../../src/adapters/express/index.ts";
import type { GuestUsers } from "../../../src/index.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  answerUser,
  asyncHandler,
  browser,
  cookieValue,
  EXPRESS_VERSIONS,
  errorHandler,
  listen,
  mountGuardedRoutes,
  PASSWORD,
  type RunningServer,
  SECRET,
  setCookieOf,
} from "./harness.ts";

const COOKIE = "guest_user_session";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

describeEachDatabase("express guards over HTTP", (fx) => {
  describe.each(EXPRESS_VERSIONS)("Express %s", (_version, express) => {
    let guestUsers: GuestUsers;
    let guestUser: GuestUserExpress;
    let server: RunningServer;
    let disabledServer: RunningServer;
    let proxiedServer: RunningServer;

    beforeAll(async () => {
      guestUsers = await fx.open({ secret: SECRET });
      guestUser = guestUserExpress(guestUsers);
      const app = express();
      // Guards work without session(): these routes come before it.
      app.get("/no_session/allow/", guestUser.allowGuestUser(), answerUser);
      app.get("/no_session/regular/", guestUser.regularUserRequired(), answerUser);
      app.get(
        "/helpers/",
        asyncHandler(async (req, res) => {
          const created = await guestUser.maybeCreateGuestUser(req, res);
          res.json({ created: created?.id ?? null, isGuest: await guestUser.isGuestUser(req) });
        }),
      );
      app.use(guestUser.session());
      mountGuardedRoutes(app, guestUser);
      app.get("/locals/", guestUser.allowGuestUser(), (req, res) => {
        res.json({
          locals: res.locals.user?.id ?? null,
          isGuest: res.locals.isGuest,
          req: req.isGuest,
        });
      });
      app.get(
        "/custom/guest/",
        guestUser.guestUserRequired({ anonymousUrl: "/hello/", registeredUrl: "/home/" }),
        answerUser,
      );
      app.get(
        "/custom/regular/",
        guestUser.regularUserRequired({
          loginUrl: "/in/?a=b",
          convertUrl: "/save/",
          redirectFieldName: "back",
        }),
        answerUser,
      );
      app.use(errorHandler);
      server = await listen(app);

      const disabled = guestUserExpress(await fx.open({ secret: SECRET, enabled: false }));
      const disabledApp = express();
      disabledApp.use(disabled.session());
      mountGuardedRoutes(disabledApp, disabled);
      disabledServer = await listen(disabledApp);

      const proxiedApp = express();
      proxiedApp.set("trust proxy", true);
      proxiedApp.use(guestUser.session());
      mountGuardedRoutes(proxiedApp, guestUser);
      proxiedServer = await listen(proxiedApp);
    });
    afterAll(async () => {
      await server?.close();
      await disabledServer?.close();
      await proxiedServer?.close();
    });

    async function registered() {
      const username = `ada${Math.random().toString(36).slice(2, 10)}`;
      const user = await guestUsers.createUser({
        username,
        password1: PASSWORD,
        password2: PASSWORD,
      });
      const client = browser(server.url);
      client.cookies.set(COOKIE, (await guestUsers.createSession(user.id)).token);
      return { user, client };
    }

    async function guest() {
      const client = browser(server.url);
      const user = await client.user("/allow_guest_user/");
      if (!user?.isGuest) throw new Error("no guest was made");
      return { user, client };
    }

    describe("allow_guest_user", () => {
      it("creates a guest for an anonymous visitor, with an HttpOnly SameSite=Lax cookie (no Secure on localhost)", async () => {
        const client = browser(server.url);
        const response = await client.fetch("/allow_guest_user/");
        expect(response.status).toBe(200);
        const { user } = (await response.json()) as {
          user: { id: unknown; isGuest: boolean; username: string };
        };
        expect(user.isGuest).toBe(true);
        expect(user.username).toMatch(/^[0-9a-f]{32}$/);
        const cookie = setCookieOf(response, COOKIE);
        expect(cookie).toMatch(/; HttpOnly/);
        expect(cookie).toMatch(/; SameSite=Lax/);
        expect(cookie).toMatch(/; Path=\//);
        expect(cookie).toMatch(/; Max-Age=(1209600|120959\d);/);
        expect(cookie).not.toMatch(/Secure/i);
        expect(await guestUsers.isGuestUser(user.id as number)).toBe(true);
      });

      it("fires guestCreated with the visitor's request", async () => {
        const seen: { url: string; userAgent: string | null; id: unknown }[] = [];
        const stop = guestUsers.on("guestCreated", ({ user, request }) => {
          seen.push({
            url: request.url,
            userAgent: request.headers.get("user-agent"),
            id: user.id,
          });
        });
        // A browser's User-Agent (isbot lets it through) with a marker to recognise it by.
        const agent =
          "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0 TestBrowser/1.0";
        try {
          const user = await browser(server.url, agent).user("/allow_guest_user/?from=ad");
          expect(seen).toEqual([
            {
              url: `${server.url}/allow_guest_user/?from=ad`,
              userAgent: agent,
              id: user?.id,
            },
          ]);
        } finally {
          stop();
        }
      });

      it("keeps the same guest for a returning visitor, sending no new cookie", async () => {
        const { user, client } = await guest();
        const response = await client.fetch("/allow_guest_user/");
        expect(response.status).toBe(200);
        expect(((await response.json()) as { user: unknown }).user).toEqual(user);
        expect(response.headers.getSetCookie()).toEqual([]);
      });

      it("lets a registered user through as themselves", async () => {
        const { user, client } = await registered();
        expect(await client.user("/allow_guest_user/")).toEqual({
          id: user.id,
          username: user.username,
          isGuest: false,
        });
      });

      it("lets a blocked crawler through anonymously, without a cookie", async () => {
        const client = browser(server.url, GOOGLEBOT);
        const response = await client.fetch("/allow_guest_user/");
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ user: null });
        expect(response.headers.getSetCookie()).toEqual([]);
      });

      it("lets anonymous visitors through without a cookie when guests are disabled", async () => {
        const client = browser(disabledServer.url);
        const response = await client.fetch("/allow_guest_user/");
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ user: null });
        expect(response.headers.getSetCookie()).toEqual([]);
      });

      it("puts the user in res.locals and req.isGuest", async () => {
        const client = browser(server.url);
        const response = await client.fetch("/locals/");
        const body = (await response.json()) as { locals: unknown; isGuest: boolean; req: boolean };
        expect(body.locals).not.toBeNull();
        expect(body.isGuest).toBe(true);
        expect(body.req).toBe(true);
      });

      it("sets Secure behind a trusted HTTPS proxy", async () => {
        const client = browser(proxiedServer.url);
        const response = await client.fetch("/allow_guest_user/", {
          headers: { "x-forwarded-proto": "https", "x-forwarded-host": "shop.example" },
        });
        expect(response.status).toBe(200);
        expect(setCookieOf(response, COOKIE)).toMatch(/; Secure/);
      });

      it("gives two parallel first requests one guest each, each cookie logging in as its own guest", async () => {
        const [first, second] = [browser(server.url), browser(server.url)];
        const responses = await Promise.all([
          first.fetch("/allow_guest_user/"),
          second.fetch("/allow_guest_user/"),
        ]);
        expect(responses.map((response) => response.status)).toEqual([200, 200]);
        const users = await Promise.all(
          responses.map(async (r) => ((await r.json()) as { user: { id: unknown } }).user),
        );
        expect(users[0]?.id).not.toEqual(users[1]?.id);
        expect(cookieValue(setCookieOf(responses[0] as Response, COOKIE))).not.toBe(
          cookieValue(setCookieOf(responses[1] as Response, COOKIE)),
        );
        expect(await first.user("/guest_user_required/")).toEqual(users[0]);
        expect(await second.user("/guest_user_required/")).toEqual(users[1]);
      });

      it("works without session(), resolving the visitor itself", async () => {
        const client = browser(server.url);
        const user = await client.user("/no_session/allow/");
        expect(user?.isGuest).toBe(true);
        expect(await client.user("/no_session/allow/")).toEqual(user);
        const response = await client.fetch("/no_session/regular/");
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("/convert/?next=/no_session/regular/");
      });
    });

    describe("guest_user_required", () => {
      it("sends an anonymous visitor to /accounts/login/ without next, making no guest", async () => {
        const client = browser(server.url);
        const response = await client.fetch("/guest_user_required/");
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("/accounts/login/");
        expect(response.headers.getSetCookie()).toEqual([]);
      });

      it("lets a guest through", async () => {
        const { user, client } = await guest();
        expect(await client.user("/guest_user_required/")).toEqual(user);
      });

      it("sends a registered user to /accounts/profile/ without next", async () => {
        const { client } = await registered();
        const response = await client.fetch("/guest_user_required/");
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("/accounts/profile/");
      });

      it("takes anonymousUrl and registeredUrl", async () => {
        const anonymous = await browser(server.url).fetch("/custom/guest/");
        expect(anonymous.headers.get("location")).toBe("/hello/");
        const { client } = await registered();
        expect((await client.fetch("/custom/guest/")).headers.get("location")).toBe("/home/");
      });
    });

    describe("regular_user_required", () => {
      it("sends an anonymous visitor to the login page with next", async () => {
        const response = await browser(server.url).fetch("/regular_user_required/");
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe(
          "/accounts/login/?next=/regular_user_required/",
        );
        expect(response.headers.getSetCookie()).toEqual([]);
      });

      it("keeps the query in next", async () => {
        const response = await browser(server.url).fetch("/regular_user_required/?a=1&b=2");
        expect(response.headers.get("location")).toBe(
          "/accounts/login/?next=/regular_user_required/%3Fa%3D1%26b%3D2",
        );
      });

      it("sends a guest to the convert page with next", async () => {
        const { client } = await guest();
        const response = await client.fetch("/regular_user_required/");
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("/convert/?next=/regular_user_required/");
      });

      it("lets a registered user through", async () => {
        const { user, client } = await registered();
        expect(await client.user("/regular_user_required/")).toEqual({
          id: user.id,
          username: user.username,
          isGuest: false,
        });
      });

      it("takes loginUrl, convertUrl and redirectFieldName", async () => {
        const anonymous = await browser(server.url).fetch("/custom/regular/");
        expect(anonymous.headers.get("location")).toBe("/in/?a=b&back=/custom/regular/");
        const { client } = await guest();
        expect((await client.fetch("/custom/regular/")).headers.get("location")).toBe(
          "/save/?back=/custom/regular/",
        );
      });
    });

    describe("malformed or stale cookies", () => {
      const cookies = [
        `${COOKIE}=garbage`,
        `${COOKIE}=%ZZ%`,
        `${COOKIE}="unterminated`,
        `${COOKIE}=a.b.c`,
        `${COOKIE}=${"x".repeat(5000)}`,
        `${COOKIE}=AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB`,
        `${COOKIE}=1; ${COOKIE}=2`,
        "=;;; ;=;",
      ];

      it.each(cookies)("treats %s as anonymous, never a 500", async (cookie) => {
        const client = browser(server.url);
        const regular = await client.fetch("/regular_user_required/", { headers: { cookie } });
        expect(regular.status).toBe(302);
        expect(regular.headers.get("location")).toBe(
          "/accounts/login/?next=/regular_user_required/",
        );
        const allowed = await client.fetch("/allow_guest_user/", { headers: { cookie } });
        expect(allowed.status).toBe(200);
        const { user } = (await allowed.json()) as { user: { isGuest: boolean } };
        expect(user.isGuest).toBe(true);
        expect(client.cookies.get(COOKIE)).toMatch(/\./);
      });

      it("treats the cookie of a logged-out session as anonymous and clears it", async () => {
        const { client } = await guest();
        await guestUsers.invalidateSession(client.cookies.get(COOKIE));
        const response = await client.fetch("/guest_user_required/");
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("/accounts/login/");
        expect(setCookieOf(response, COOKIE)).toMatch(/Max-Age=0/);
      });
    });

    describe("helpers", () => {
      it("maybeCreateGuestUser and isGuestUser work from any handler", async () => {
        const client = browser(server.url);
        const first = (await (await client.fetch("/helpers/")).json()) as {
          created: unknown;
          isGuest: boolean;
        };
        expect(first.created).not.toBeNull();
        expect(first.isGuest).toBe(true);
        const again = (await (await client.fetch("/helpers/")).json()) as {
          created: unknown;
          isGuest: boolean;
        };
        expect(again).toEqual({ created: null, isGuest: true });
        expect(await client.user("/guest_user_required/")).toMatchObject({ id: first.created });
      });
    });
  });
});
