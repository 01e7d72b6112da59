import session from "express-session";
import passport from "passport";
import passportLocal from "passport-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestUserExpress } from "../../../src/adapters/express/index.ts";
import type { WebRoute } from "../../../src/http/handler.ts";
import { userJson } from "../../../src/http/request.ts";
import type { GuestUsers, UserId } from "../../../src/index.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  browser,
  EXPRESS_VERSIONS,
  errorHandler,
  listen,
  mountGuardedRoutes,
  PASSWORD,
  type RunningServer,
  SECRET,
  setCookieOf,
} from "./harness.ts";

const SID = "connect.sid";
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/** A convert endpoint as the built-in view does it: convert, then `http.logIn`. */
function convertRoute(): WebRoute {
  return {
    methods: ["POST"],
    path: "/convert-json/",
    async handler(request, { http, state }) {
      if (!state.user) return new Response(null, { status: 401 });
      const user = await http.guestUsers.convert(state.user, await request.json());
      await http.logIn(request, state, user);
      return Response.json(userJson(state.user));
    },
  };
}

const logoutRoute: WebRoute = {
  methods: ["POST"],
  path: "/logout-json/",
  async handler(request, { http, state }) {
    await http.logOut(request, state);
    return Response.json(userJson(state.user));
  },
};

describeEachDatabase("express with express-session + Passport", (fx) => {
  describe.each(EXPRESS_VERSIONS)("Express %s", (_version, express) => {
    let guestUsers: GuestUsers;
    let server: RunningServer;
    let unconfigured: RunningServer;

    beforeAll(async () => {
      guestUsers = await fx.open({ secret: SECRET });
      const guestUser = guestUserExpress(guestUsers, { login: "passport" });
      const auth = new passport.Passport();
      auth.use(
        new passportLocal.Strategy((username, password, done) => {
          guestUsers
            .authenticate({ username, password })
            .then((user) => done(null, user ?? false), done);
        }),
      );
      auth.serializeUser<UserId>((user, done) => done(null, user.id));
      // The app's own user object: it knows nothing of guests (isGuest is always false here).
      auth.deserializeUser<UserId>((id, done) => {
        done(null, {
          id,
          username: `app:${id}`,
          email: null,
          isGuest: false,
          createdAt: null,
          lastLoginAt: null,
          isStaff: false,
          hasPassword: true,
        });
      });

      const app = express();
      app.use(session({ secret: SECRET, resave: false, saveUninitialized: false }));
      app.use(auth.session());
      app.use(guestUser.session());
      mountGuardedRoutes(app, guestUser);
      app.post(
        "/login/",
        express.urlencoded({ extended: false }),
        auth.authenticate("local"),
        (req, res) => {
          res.json(userJson(req.guestUser?.user ?? null));
        },
      );
      app.get("/whoami/", guestUser.allowGuestUser(), (req, res) => {
        res.json({
          passportUser: req.user?.username,
          isGuest: req.isGuest,
          locals: res.locals.isGuest,
        });
      });
      app.use(express.json(), guestUser.router([convertRoute(), logoutRoute]));
      app.use(errorHandler);
      server = await listen(app);

      const bare = express();
      bare.use(guestUser.session());
      bare.use(errorHandler);
      unconfigured = await listen(bare);
    });
    afterAll(async () => {
      await server?.close();
      await unconfigured?.close();
    });

    async function guest() {
      const client = browser(server.url);
      const response = await client.fetch("/allow_guest_user/");
      const { user } = (await response.json()) as {
        user: { id: UserId; username: string; isGuest: boolean };
      };
      return { client, user, response };
    }

    it("creates a guest and logs it in with req.login: the express-session cookie, not ours", async () => {
      const { client, user, response } = await guest();
      expect(response.status).toBe(200);
      expect(user.isGuest).toBe(true);
      expect(setCookieOf(response, SID)).toMatch(/HttpOnly/);
      expect(setCookieOf(response, "guest_user_session")).toBeUndefined();
      expect(await guestUsers.isGuestUser(user.id)).toBe(true);
      expect(await client.user("/allow_guest_user/")).toEqual(user);
    });

    it("keeps Passport's req.user and takes the guest flag from guest-user", async () => {
      const { client, user } = await guest();
      const response = await client.fetch("/whoami/");
      expect(await response.json()).toEqual({
        passportUser: `app:${user.id}`,
        isGuest: true,
        locals: true,
      });
    });

    it("applies the guards to Passport's user", async () => {
      const anonymous = browser(server.url);
      const login = await anonymous.fetch("/regular_user_required/");
      expect(login.status).toBe(302);
      expect(login.headers.get("location")).toBe("/accounts/login/?next=/regular_user_required/");
      const anonGuestOnly = await anonymous.fetch("/guest_user_required/");
      expect(anonGuestOnly.headers.get("location")).toBe("/accounts/login/");

      const { client, user } = await guest();
      const convert = await client.fetch("/regular_user_required/");
      expect(convert.status).toBe(302);
      expect(convert.headers.get("location")).toBe("/convert/?next=/regular_user_required/");
      expect(await client.user("/guest_user_required/")).toEqual(user);
    });

    it("lets a blocked crawler through with no guest and no session", async () => {
      const response = await browser(server.url, GOOGLEBOT).fetch("/allow_guest_user/");
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ user: null });
      expect(response.headers.getSetCookie()).toEqual([]);
    });

    it("gives two parallel first requests one guest each", async () => {
      const [first, second] = [browser(server.url), browser(server.url)];
      const users = await Promise.all([
        first.user("/allow_guest_user/"),
        second.user("/allow_guest_user/"),
      ]);
      expect(users[0]?.id).not.toEqual(users[1]?.id);
      expect(await first.user("/guest_user_required/")).toEqual(users[0]);
      expect(await second.user("/guest_user_required/")).toEqual(users[1]);
    });

    it("converts a guest through http.logIn: same id, a new session, the old one gone", async () => {
      const { client, user } = await guest();
      const oldSid = client.cookies.get(SID) as string;
      const username = `conv${Math.random().toString(36).slice(2, 10)}`;
      const response = await client.fetch("/convert-json/", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username, password1: PASSWORD, password2: PASSWORD }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ user: { id: user.id, username, isGuest: false } });
      expect(client.cookies.get(SID)).not.toBe(oldSid);
      expect(await client.user("/regular_user_required/")).toEqual({
        id: user.id,
        username,
        isGuest: false,
      });
      const registered = await client.fetch("/guest_user_required/");
      expect(registered.headers.get("location")).toBe("/accounts/profile/");
      const stale = await browser(server.url).fetch("/regular_user_required/", {
        headers: { cookie: `${SID}=${oldSid}` },
      });
      expect(stale.status).toBe(302);
    });

    it("works with a Passport login and logout", async () => {
      const username = `ada${Math.random().toString(36).slice(2, 10)}`;
      const user = await guestUsers.createUser({
        username,
        password1: PASSWORD,
        password2: PASSWORD,
      });
      const { client } = await guest();
      const guestSid = client.cookies.get(SID);
      const login = await client.fetch("/login/", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username, password: PASSWORD }).toString(),
      });
      expect(login.status).toBe(200);
      expect(client.cookies.get(SID)).not.toBe(guestSid);
      expect(await client.user("/regular_user_required/")).toEqual({
        id: user.id,
        username,
        isGuest: false,
      });

      const logout = await client.fetch("/logout-json/", { method: "POST" });
      expect(await logout.json()).toEqual({ user: null });
      expect((await client.fetch("/regular_user_required/")).status).toBe(302);
    });

    it("names the missing set-up when express-session or Passport is not mounted", async () => {
      const response = await browser(unconfigured.url).fetch("/");
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: string }).error).toMatch(/passport\.session\(\)/);
    });
  });
});
