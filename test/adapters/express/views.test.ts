import type express5 from "express";
import session from "express-session";
import passport from "passport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestUserExpress } from "../../../src/adapters/express/index.ts";
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
} from "./harness.ts";

type Mode = "cookie" | "passport";
type Browser = ReturnType<typeof browser>;

/** The reference app: the three guarded routes and the built-in views from `router()`. */
function referenceApp(express: typeof express5, guestUsers: GuestUsers, mode: Mode) {
  const guestUser = guestUserExpress(guestUsers, { login: mode });
  const app = express();
  if (mode === "passport") {
    const auth = new passport.Passport();
    auth.serializeUser<UserId>((user, done) => done(null, user.id));
    auth.deserializeUser<UserId>((id, done) => {
      guestUsers.getUser(id).then((user) => done(null, user ?? false), done);
    });
    app.use(session({ secret: SECRET, resave: false, saveUninitialized: false }));
    app.use(auth.session());
    // A body parsed before the views: the adapter re-encodes it.
    app.use(express.urlencoded({ extended: true }));
  }
  app.use(guestUser.session());
  mountGuardedRoutes(app, guestUser);
  app.use(guestUser.router());
  app.use(errorHandler);
  return app;
}

const csrfTokenOf = (html: string) => /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? "";

async function postForm(client: Browser, path: string, fields: Record<string, string>) {
  return client.fetch(path, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

describeEachDatabase("express with the built-in views over HTTP", (fx) => {
  describe.each(EXPRESS_VERSIONS)("Express %s", (_version, express) => {
    describe.each(["cookie", "passport"] as const)("%s sessions", (mode) => {
      const sessionCookie = mode === "cookie" ? "guest_user_session" : "connect.sid";
      let guestUsers: GuestUsers;
      let server: RunningServer;

      beforeAll(async () => {
        guestUsers = await fx.open({ secret: SECRET });
        server = await listen(referenceApp(express, guestUsers, mode));
      });
      afterAll(async () => {
        await server?.close();
      });

      async function guestWithForm() {
        const client = browser(server.url);
        const guest = await client.user("/allow_guest_user/");
        const form = await client.fetch("/convert/?next=/regular_user_required/");
        expect(form.status).toBe(200);
        const html = await form.text();
        return { client, guest, html, csrf: csrfTokenOf(html) };
      }

      it("converts a guest: the form, then POST keeps the id, ends the guest, gives a new cookie", async () => {
        const { client, guest, html, csrf } = await guestWithForm();
        expect(html).toContain('name="password1"');
        expect(csrf).not.toBe("");
        const oldSession = client.cookies.get(sessionCookie) as string;
        const username = `conv${Math.random().toString(36).slice(2, 10)}`;
        const response = await postForm(client, "/convert/", {
          csrf_token: csrf,
          username,
          password1: PASSWORD,
          password2: PASSWORD,
        });
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("/convert/success/");
        expect(client.cookies.get(sessionCookie)).not.toBe(oldSession);
        const converted = { id: guest?.id, username, isGuest: false };
        expect(await client.user("/allow_guest_user/")).toEqual(converted);
        expect(await client.user("/regular_user_required/")).toEqual(converted);
        expect(await guestUsers.isGuestUser(guest?.id as UserId)).toBe(false);
        const success = await client.fetch("/convert/success/");
        expect(success.status).toBe(200);
        expect(await success.text()).toContain(username);
        const stale = await browser(server.url).fetch("/regular_user_required/", {
          headers: { cookie: `${sessionCookie}=${oldSession}` },
        });
        expect(stale.status).toBe(302);
      });

      it("follows a safe next and ignores an unsafe one", async () => {
        const { client, csrf } = await guestWithForm();
        const fields = { csrf_token: csrf, password1: PASSWORD, password2: PASSWORD };
        const safe = await postForm(client, "/convert/", {
          ...fields,
          username: `n${Math.random().toString(36).slice(2, 10)}`,
          next: "/regular_user_required/",
        });
        expect(safe.headers.get("location")).toBe("/regular_user_required/");

        const other = await guestWithForm();
        const unsafe = await postForm(other.client, "/convert/", {
          ...fields,
          csrf_token: other.csrf,
          username: `u${Math.random().toString(36).slice(2, 10)}`,
          next: "//evil.example/",
        });
        expect(unsafe.headers.get("location")).toBe("/convert/success/");
      });

      it("shows the form again on an invalid POST and refuses a missing CSRF token, changing nothing", async () => {
        const { client, guest, csrf } = await guestWithForm();
        const invalid = await postForm(client, "/convert/", {
          csrf_token: csrf,
          username: "mismatch",
          password1: PASSWORD,
          password2: `${PASSWORD}x`,
        });
        expect(invalid.status).toBe(200);
        expect(await invalid.text()).toContain('name="password1"');
        const forged = await postForm(client, "/convert/", {
          username: "forged",
          password1: PASSWORD,
          password2: PASSWORD,
        });
        expect(forged.status).toBe(403);
        expect(await client.user("/guest_user_required/")).toEqual(guest);
      });

      it("logs a registered user in and out through the views", async () => {
        const username = `ada${Math.random().toString(36).slice(2, 10)}`;
        const user = await guestUsers.createUser({
          username,
          password1: PASSWORD,
          password2: PASSWORD,
        });
        const client = browser(server.url);
        const page = await client.fetch("/accounts/login/");
        expect(page.status).toBe(200);
        const login = await postForm(client, "/accounts/login/", {
          csrf_token: csrfTokenOf(await page.text()),
          username,
          password: PASSWORD,
        });
        expect(login.status).toBe(302);
        expect(await client.user("/regular_user_required/")).toEqual({
          id: user.id,
          username,
          isGuest: false,
        });

        const form = await client.fetch("/convert/");
        expect(form.status).toBe(302);
        expect(form.headers.get("location")).toBe("/accounts/profile/");
        const converted = await client.fetch("/convert/success/");
        expect(converted.status).toBe(200);
        const csrf = csrfTokenOf(await (await client.fetch("/accounts/login/")).text());
        expect(csrf).not.toBe("");
        const logout = await postForm(client, "/accounts/logout/", { csrf_token: csrf });
        expect(logout.status).toBe(302);
        expect((await client.fetch("/regular_user_required/")).status).toBe(302);
      });
    });
  });
});
