/**
 * The app's own forms on each adapter, over real HTTP: a page renders a log-out button and a
 * form of its own with `guestUser.csrfField(...)`; the logout view and `verifyCsrf` accept
 * that field and refuse a forged one. Each framework's test file builds the same small app:
 *
 * - `GET /home/` behind allowGuestUser(): `<p id="who">username</p>`, a log-out form posting
 *   to `/accounts/logout/` and a form posting to `/notes/`, both with `csrfField`
 * - `POST /notes/` (URL-encoded): 403 unless `verifyCsrf(csrf_token)`, else `saved by <username>`
 * - `GET /plain/`: a page that never asks for a token
 * - the account views (logout at `/accounts/logout/`)
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GuestUsers } from "../../src/index.ts";
import type { TestServer } from "../support/adapter-servers.ts";
import { cookieClient } from "../support/cookies.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const SECRET = "c".repeat(40);
const SESSION = "guest_user_session";
const CSRF_COOKIE = `${SESSION}_csrf`;
const FIELD = /<input type="hidden" name="csrf_token" value="([\w-]+)">/g;

/** Starts the app described above on a free port. */
export type StartCsrfApp = (guestUsers: GuestUsers) => Promise<TestServer>;

const form = (fields: { csrf_token?: string }): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields),
});

/** A browser on the home page: its cookies, the username shown, and the page's tokens. */
async function visitHome(base: string) {
  const client = cookieClient(base);
  const response = await client.send("/home/");
  expect(response.status).toBe(200);
  const html = await response.text();
  const tokens = [...html.matchAll(FIELD)].map((match) => match[1] ?? "");
  const username = /<p id="who">([^<]*)<\/p>/.exec(html)?.[1] ?? "";
  return { ...client, html, tokens, username };
}

export function describeCsrfField(name: string, start: StartCsrfApp) {
  describeEachDatabase(`csrfField: ${name}`, (fx) => {
    let guestUsers: GuestUsers;
    let server: TestServer;
    beforeAll(async () => {
      guestUsers = await fx.open({ secret: SECRET });
      server = await start(guestUsers);
    });
    afterAll(async () => {
      await server?.close();
    });

    it("a page renders the hidden csrf_token field in its log-out form and its own form, with the CSRF cookie", async () => {
      const home = await visitHome(server.url);
      expect(home.username).toMatch(/\S/);
      expect(home.tokens).toHaveLength(2);
      expect(home.tokens[0]).toBe(home.tokens[1]);
      expect(home.html).toMatch(
        /<form method="post" action="\/accounts\/logout\/"><input type="hidden" name="csrf_token" value="[\w-]+"><button>Log out<\/button><\/form>/,
      );
      expect(home.jar.has(SESSION)).toBe(true);
      expect(home.jar.has(CSRF_COOKIE)).toBe(true);
    });

    it("posting the log-out button logs out: a redirect, the session cookie cleared and the session ended", async () => {
      const home = await visitHome(server.url);
      const session = home.jar.get(SESSION) ?? "";
      expect(await guestUsers.validateSession(session)).not.toBeNull();
      const response = await home.send(
        "/accounts/logout/",
        form({ csrf_token: home.tokens[0] ?? "" }),
      );
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/accounts/login/");
      const cleared = response.headers
        .getSetCookie()
        .find((line) => line.startsWith(`${SESSION}=`));
      expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
      expect(home.jar.has(SESSION)).toBe(false);
      expect(await guestUsers.validateSession(session)).toBeNull();
    });

    it("a forged or missing token is refused with 403 and the visitor stays logged in", async () => {
      const home = await visitHome(server.url);
      const other = await visitHome(server.url);
      for (const fields of [
        { csrf_token: "forged-token-forged-token-forged" },
        { csrf_token: other.tokens[0] ?? "" },
        {},
      ]) {
        const response = await home.send("/accounts/logout/", form(fields));
        expect(response.status).toBe(403);
      }
      expect(await guestUsers.validateSession(home.jar.get(SESSION))).not.toBeNull();
      const again = await home.send("/home/");
      expect(await again.text()).toContain(`<p id="who">${home.username}</p>`);
    });

    it("the app's own form: verifyCsrf accepts the page's field and refuses another browser's", async () => {
      const home = await visitHome(server.url);
      const other = await visitHome(server.url);
      const saved = await home.send("/notes/", form({ csrf_token: home.tokens[1] ?? "" }));
      expect(saved.status).toBe(200);
      expect(await saved.text()).toBe(`saved by ${home.username}`);
      const forged = await home.send("/notes/", form({ csrf_token: other.tokens[1] ?? "" }));
      expect(forged.status).toBe(403);
      const missing = await home.send("/notes/", form({}));
      expect(missing.status).toBe(403);
    });

    it("a page that never asks for a token sets no CSRF cookie", async () => {
      const client = cookieClient(server.url);
      const response = await client.send("/plain/");
      expect(response.status).toBe(200);
      expect(client.jar.has(CSRF_COOKIE)).toBe(false);
    });
  });
}
