/**
 * The reference app's continue links (issue 20), from outside: `GUEST_USER_CONTINUE_TTL`
 * sets how long a link works, `/accounts/continue/` is mounted with the account views. On
 * Express, Hono and Fastify, SQLite and PostgreSQL: a link moves a guest to a second client
 * once; a second use, an expired link and a link after log-out answer 410 LINK_EXPIRED.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADAPTERS } from "../../examples/reference-app/config.ts";
import { type IsolatedDatabase, isolatedDatabase } from "../support/databases.ts";
import {
  type AppProcess,
  assertBuilt,
  Client,
  COOKIE,
  csrfTokenOf,
  guestClient,
  type RunningApp,
  sessionSetCookie,
  startApp,
} from "./harness.ts";
import { describeDatabases } from "./suite.ts";

const TTL = 2;

/** Makes a link on `client`'s account page (the HTML form): its URL, and that the QR is there. */
async function linkFrom(client: Client): Promise<string> {
  const profile = await client.html("/accounts/profile/");
  const made = await client.post("/accounts/continue/", { csrf_token: csrfTokenOf(profile) });
  expect(made.status).toBe(200);
  const html = await made.text();
  expect(html).toMatch(/<svg[^>]*>/);
  return (/id="continue-url">([^<]+)</.exec(html)?.[1] ?? "").replaceAll("&amp;", "&");
}

/** Opens the link on `client` and confirms it with the page's CSRF token. */
async function confirm(client: Client, url: string): Promise<Response> {
  const page = await client.fetch(url, { headers: { accept: "text/html" } });
  if (page.status !== 200) return page;
  const html = await page.text();
  const token = new URL(url).searchParams.get("token") ?? "";
  return client.post("/accounts/continue/", { csrf_token: csrfTokenOf(html), token });
}

async function expectGone(response: Response) {
  expect(response.status).toBe(410);
  expect(await response.text()).toContain("expired or was already used");
}

describeDatabases((dialect) => {
  describe.each(ADAPTERS)(`continue links: ADAPTER=%s on ${dialect}`, (adapter) => {
    let database: IsolatedDatabase | undefined;
    let app: RunningApp;
    let process: AppProcess | undefined;

    beforeAll(async () => {
      assertBuilt();
      database = await isolatedDatabase(dialect);
      app = await startApp({
        ADAPTER: adapter,
        DATABASE_URL: database.url,
        GUEST_USER_CONTINUE_TTL: String(TTL),
      });
      process = app.process;
    });
    afterAll(async () => {
      await process?.stop("SIGTERM");
      await database?.drop();
    });

    it("moves a guest to a second client once; the first keeps its session", async () => {
      const { client: first, user } = await guestClient(app.url);
      const url = await linkFrom(first);
      const second = new Client(app.url);
      const confirmed = await confirm(second, url);
      expect(confirmed.status).toBe(302);
      expect(sessionSetCookie(confirmed)).toMatch(/HttpOnly/i);
      expect(second.cookies.get(COOKIE)).not.toBe(first.cookies.get(COOKIE));
      expect(await second.whoami()).toEqual(user);
      expect(await first.whoami()).toEqual(user);
      await expectGone(await confirm(new Client(app.url), url));
    });

    it("refuses an expired link and a link after log-out", async () => {
      const { client: first } = await guestClient(app.url);
      const expiring = await linkFrom(first);
      await new Promise((resolve) => setTimeout(resolve, TTL * 1000 + 200));
      await expectGone(await confirm(new Client(app.url), expiring));

      const url = await linkFrom(first);
      const profile = await first.html("/accounts/profile/");
      const out = await first.post("/accounts/logout/", { csrf_token: csrfTokenOf(profile) });
      expect(out.status).toBe(302);
      await expectGone(await confirm(new Client(app.url), url));
    });
  });
});
