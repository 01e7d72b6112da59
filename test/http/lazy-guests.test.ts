import { describe, expect, it } from "vitest";
import { adapterServers, serverPerTest, uniquePrefix } from "../support/adapter-servers.ts";
import { cookieHeader } from "../support/cookies.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { pageBrowser as browser, type PageBody } from "../support/page-browser.ts";

const SECRET = "s".repeat(40);
const SESSION = "guest_user_session";

describeEachDatabase("createGuests: onWrite", (fx) => {
  for (const [name, start] of Object.entries(adapterServers)) {
    describe(name, () => {
      const withServer = serverPerTest(fx, start, () => ({
        secret: SECRET,
        createGuests: "onWrite",
        tablePrefix: uniquePrefix(`lazy_${name}`),
      }));

      it("an anonymous GET runs the page anonymously, writes nothing and sets no session", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          expect(await client.page("GET")).toEqual({ user: null, guestPending: true });
          const head = await client.send("/page/", { method: "HEAD" });
          expect(head.status).toBe(200);
          expect(client.jar.has(SESSION)).toBe(false);
          expect((await gu.stats()).guests).toBe(0);
        }));

      it("the first POST with the page's CSRF token creates the guest before the handler runs", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          const token = await client.csrfToken();
          const body = await client.page("POST", {
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ csrf_token: token, title: "first note" }),
          });
          expect(body.user?.isGuest).toBe(true);
          expect(body.guestPending).toBe(false);
          expect(client.jar.has(SESSION)).toBe(true);
          // The guest is logged in: the next GET is the same user, and no new row is made.
          expect((await client.page("GET")).user).toEqual(body.user);
          expect((await gu.stats()).guests).toBe(1);
        }));

      it("a mounted mixin view creates the guest on a form POST carrying the token (body read from a clone)", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          const token = await client.csrfToken();
          const anonymous = await client.send("/mixin/");
          expect(((await anonymous.json()) as PageBody).guestPending).toBe(true);
          const response = await client.send("/mixin/", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ csrf_token: token }),
          });
          expect(response.status).toBe(200);
          expect(((await response.json()) as PageBody).user?.isGuest).toBe(true);
          expect((await gu.stats()).guests).toBe(1);
        }));

      it("a cross-site POST (no token, foreign Origin) makes no guest", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          await client.csrfToken();
          const body = await client.page("POST", {
            headers: {
              origin: "https://evil.example",
              "sec-fetch-site": "cross-site",
              "content-type": "application/x-www-form-urlencoded",
            },
            body: "title=spam",
          });
          expect(body.user).toBeNull();
          const forged = await client.page("DELETE", { headers: { "x-csrf-token": "forged" } });
          expect(forged.user).toBeNull();
          expect((await gu.stats()).guests).toBe(0);
        }));

      it("a same-origin fetch (Sec-Fetch-Site) creates the guest without a token", () =>
        withServer(async (server) => {
          const client = browser(server.url);
          const body = await client.page("PUT", { headers: { "sec-fetch-site": "same-origin" } });
          expect(body.user?.isGuest).toBe(true);
        }));

      it("20 parallel first writes of one browser make ONE guest, and each gets its session", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          const token = await client.csrfToken();
          const seed = cookieHeader(client.jar);
          const answers = await Promise.all(
            Array.from({ length: 20 }, async () => {
              const response = await fetch(`${server.url}/page/`, {
                method: "POST",
                headers: { cookie: seed, "x-csrf-token": token },
              });
              expect(response.status).toBe(200);
              const session = response.headers
                .getSetCookie()
                .find((line) => line.startsWith(`${SESSION}=`));
              return { body: (await response.json()) as PageBody, session };
            }),
          );
          const ids = new Set(answers.map((answer) => answer.body.user?.id));
          expect(ids.size).toBe(1);
          expect([...ids][0]).toBeDefined();
          expect(answers.every((answer) => answer.session)).toBe(true);
          expect((await gu.stats()).guests).toBe(1);
        }));

      it("after a log-out, the same browser's next first write makes a NEW guest (the seed rotates)", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          const first = await client.page("POST", {
            headers: { "x-csrf-token": await client.csrfToken() },
          });
          expect(first.user?.isGuest).toBe(true);
          const loggedOut = await client.send("/accounts/logout/", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ csrf_token: await client.csrfToken() }),
          });
          expect(loggedOut.status).toBe(302);
          expect(client.jar.has(SESSION)).toBe(false);
          const second = await client.page("POST", {
            headers: { "x-csrf-token": await client.csrfToken() },
          });
          expect(second.user?.isGuest).toBe(true);
          expect(second.user?.id).not.toBe(first.user?.id);
          expect((await gu.stats()).guests).toBe(2);
        }));

      it("ensureGuest creates the guest on a GET when the app writes on GET", () =>
        withServer(async (server, gu) => {
          const client = browser(server.url);
          const response = await client.send("/start/");
          const body = (await response.json()) as PageBody;
          expect(body.user?.isGuest).toBe(true);
          expect(client.jar.has(SESSION)).toBe(true);
          expect((await gu.stats()).guests).toBe(1);
        }));

      it("a crawler's POST still makes no guest", () =>
        withServer(async (server, gu) => {
          const body = await browser(server.url).page("POST", {
            headers: { "user-agent": "GPTBot/1.2", "sec-fetch-site": "same-origin" },
          });
          expect(body).toEqual({ user: null, guestPending: false });
          expect((await gu.stats()).guests).toBe(0);
        }));
    });
  }
});

describeEachDatabase("createGuests: onVisit", (fx) => {
  for (const [name, start] of Object.entries(adapterServers)) {
    it(`HEAD never creates a guest; GET does (${name})`, async () => {
      const gu = await fx.open({ secret: SECRET, tablePrefix: `visit_${name}_` });
      const server = await start(gu);
      try {
        const client = browser(server.url);
        expect((await client.send("/page/", { method: "HEAD" })).status).toBe(200);
        expect(client.jar.has(SESSION)).toBe(false);
        expect((await gu.stats()).guests).toBe(0);
        expect((await client.page("GET")).user?.isGuest).toBe(true);
        expect((await gu.stats()).guests).toBe(1);
      } finally {
        await server.close();
      }
    });
  }
});
