import { describe, expect, it } from "vitest";
import type { GuestUserEvents, GuestUsers } from "../../src/index.ts";
import { adapterServers, serverPerTest, uniquePrefix } from "../support/adapter-servers.ts";
import { cookieClient } from "../support/cookies.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const SECRET = "p".repeat(40);
const SESSION = "guest_user_session";
const PASSWORD = "Zebra-Quantum-77!";
const PROFILE = "/accounts/profile/";
const DELETE = "/accounts/delete/";

/** The csrf_token of the form posting to `action` in a page. */
function formToken(html: string, action: string): string {
  const form = new RegExp(
    `<form method="post" action="${action.replaceAll("/", "\\/")}"[^>]*>[\\s\\S]*?name="csrf_token" value="([^"]+)"`,
  ).exec(html);
  if (!form?.[1]) throw new Error(`no form posting to ${action} in ${html}`);
  return form[1];
}

/** A browser: keeps cookies, sends them back, never follows redirects. */
function browser(base: string) {
  const { jar, send } = cookieClient(base);
  const post = (path: string, form: Record<string, string>, headers: HeadersInit = {}) =>
    send(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(form),
    });
  return {
    jar,
    send,
    post,
    html: async (path: string) => {
      const response = await send(path);
      expect(response.status).toBe(200);
      return response.text();
    },
    json: (path: string) => send(path, { headers: { accept: "application/json" } }),
    /** Logs in through the login form; returns the redirect's Location. */
    async logIn(username: string, password = PASSWORD) {
      const page = await send("/accounts/login/");
      const token = formToken(await page.text(), "/accounts/login/");
      const response = await post("/accounts/login/", { username, password, csrf_token: token });
      expect(response.status).toBe(302);
      return response.headers.get("location");
    },
  };
}

describeEachDatabase("the account page and self-service deletion", (fx) => {
  for (const [name, start] of Object.entries(adapterServers)) {
    describe(name, () => {
      const withServer = serverPerTest(fx, start, () => ({
        secret: SECRET,
        tablePrefix: uniquePrefix(`prof_${name}`),
      }));
      const register = (gu: GuestUsers, username: string) =>
        gu.createUser({ username, password1: PASSWORD, password2: PASSWORD });

      it("the default loginRedirectUrl is the account page: 200 after a login, login with next before", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          const anonymous = await client.send(PROFILE);
          expect(anonymous.status).toBe(302);
          expect(anonymous.headers.get("location")).toBe(`/accounts/login/?next=${PROFILE}`);
          const asJson = await client.json(PROFILE);
          expect(asJson.status).toBe(401);
          expect(await asJson.json()).toMatchObject({
            redirect: `/accounts/login/?next=${PROFILE}`,
          });

          const user = await register(gu, "ada");
          const location = await client.logIn("ada");
          expect(location).toBe(gu.settings.loginRedirectUrl);
          const html = await client.html(location as string);
          expect(html).toContain("<strong>ada</strong>");
          expect(html).toContain("Registered");
          expect(html).toContain("Delete my account");
          expect(html).toMatch(/name="password" type="password" autocomplete="current-password"/);
          expect(html).not.toContain('href="/convert/"');
          const json = await client.json(PROFILE);
          expect(await json.json()).toEqual({
            user: { id: user.id, username: "ada", isGuest: false },
            isGuest: false,
            createdAt: new Date(user.createdAt as number).toISOString(),
            expiresAt: null,
            csrfToken: expect.any(String),
          });
        }));

      it("shows a guest the convert link and when it expires (HTML and JSON)", () =>
        withServer(
          async (server, gu) => {
            const client = browser(server.url);
            const started = await client.send("/start/");
            const { user } = (await started.json()) as { user: { id: number; username: string } };
            const expiresAt = new Date((await gu.expiresAt(user.id)) as number).toISOString();
            const html = await client.html(PROFILE);
            expect(html).toContain(`<strong>${user.username}</strong>`);
            expect(html).toContain("Guest (temporary)");
            expect(html).toContain('href="/convert/"');
            expect(html).toContain("Save your account");
            expect(html).toContain(`kept until <time datetime="${expiresAt}">`);
            expect(html).toContain(`href="${DELETE}"`);
            const json = await client.json(PROFILE);
            expect(json.status).toBe(200);
            expect(await json.json()).toEqual({
              user: { id: user.id, username: user.username, isGuest: true, expiresAt },
              isGuest: true,
              createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
              expiresAt,
              csrfToken: expect.any(String),
            });
          },
          { maxAge: 7 * 24 * 3600 },
        ));

      it("the layout's log-out button works with its CSRF token", () =>
        withServer(async (server, gu) => {
          await register(gu, "bob");
          const client = browser(server.url);
          await client.logIn("bob");
          const html = await client.html(PROFILE);
          const header = /<header>[\s\S]*?<\/header>/.exec(html)?.[0] ?? "";
          expect(header).toContain("Signed in as");
          const token = formToken(header, "/accounts/logout/");
          const forged = await client.post("/accounts/logout/", { csrf_token: "forged" });
          expect(forged.status).toBe(403);
          expect(client.jar.has(SESSION)).toBe(true);
          const out = await client.post("/accounts/logout/", { csrf_token: token });
          expect(out.status).toBe(302);
          expect(client.jar.has(SESSION)).toBe(false);
          expect((await client.send(PROFILE)).status).toBe(302);
        }));

      it("deletes a registered user only with CSRF and the right password", () =>
        withServer(async (server, gu) => {
          const deleted: GuestUserEvents["deleted"][] = [];
          gu.on("deleted", (event) => {
            deleted.push(event);
          });
          const user = await register(gu, "carol");
          const client = browser(server.url);
          await client.logIn("carol");
          const token = formToken(await client.html(PROFILE), DELETE);

          const noCsrf = await client.post(DELETE, { password: PASSWORD });
          expect(noCsrf.status).toBe(403);
          const wrong = await client.post(DELETE, { password: "not-it", csrf_token: token });
          expect(wrong.status).toBe(400);
          const page = await wrong.text();
          expect(page).toContain("Your password was not correct.");
          expect(page).not.toContain("not-it");
          const wrongJson = await client.send(DELETE, {
            method: "POST",
            headers: { "content-type": "application/json", origin: server.url },
            body: JSON.stringify({ password: "" }),
          });
          expect(wrongJson.status).toBe(400);
          expect(await wrongJson.json()).toEqual({ errors: { password: [expect.any(String)] } });
          expect(await gu.getUser(user.id)).not.toBeNull();
          expect((await client.send(PROFILE)).status).toBe(200); // still logged in
          expect(deleted).toEqual([]);

          const right = await client.post(DELETE, {
            password: PASSWORD,
            csrf_token: token,
            next: "//evil.example/",
          });
          expect(right.status).toBe(302);
          expect(right.headers.get("location")).toBe("/");
          expect(right.headers.getSetCookie().join("\n")).toMatch(
            new RegExp(`${SESSION}=;[^\\n]*Max-Age=0`, "i"),
          );
          expect(client.jar.has(SESSION)).toBe(false);
          expect(await gu.getUser(user.id)).toBeNull();
          expect(deleted).toEqual([
            { user: expect.objectContaining({ id: user.id, username: "carol" }), by: "self" },
          ]);
          const after = await client.send(PROFILE);
          expect(after.headers.get("location")).toBe(`/accounts/login/?next=${PROFILE}`);
        }));

      it("counts wrong delete passwords against the login throttle", () =>
        withServer(
          async (server, gu) => {
            const user = await register(gu, "dave");
            const client = browser(server.url);
            await client.logIn("dave");
            const token = formToken(await client.html(PROFILE), DELETE);
            for (let i = 0; i < 2; i++) {
              const wrong = await client.post(DELETE, { password: "guess", csrf_token: token });
              expect(wrong.status).toBe(400);
            }
            const refused = await client.post(DELETE, { password: PASSWORD, csrf_token: token });
            expect(refused.status).toBe(429);
            expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
            expect(await gu.getUser(user.id)).not.toBeNull();
          },
          { loginLimit: { max: 2, windowSeconds: 600 } },
        ));

      it("lets a guest delete itself after confirming, without a password", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          const { user } = (await (await client.send("/start/")).json()) as {
            user: { id: number };
          };
          const confirm = await client.html(DELETE);
          expect(confirm).toContain("Delete your account?");
          expect(confirm).not.toContain('name="password"');
          const token = formToken(confirm, DELETE);
          const response = await client.post(DELETE, { csrf_token: token, next: "/goodbye/" });
          expect(response.status).toBe(302);
          expect(response.headers.get("location")).toBe("/goodbye/");
          expect(client.jar.has(SESSION)).toBe(false);
          expect(await gu.getUser(user.id)).toBeNull();

          // A SPA guest: same-origin JSON, answered in JSON.
          const spa = browser(server.url);
          const second = (await (await spa.send("/start/")).json()) as { user: { id: number } };
          const json = await spa.send(DELETE, {
            method: "POST",
            headers: { "content-type": "application/json", origin: server.url },
            body: "{}",
          });
          expect(json.status).toBe(200);
          expect(await json.json()).toEqual({ deleted: true, user: null, redirect: "/" });
          expect(await gu.getUser(second.user.id)).toBeNull();
          expect(spa.jar.has(SESSION)).toBe(false);
        }));
    });
  }
});
