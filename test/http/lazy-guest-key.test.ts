/**
 * `createGuests: "onWrite"`: the creation key that lets parallel first writes of one browser
 * converge on one guest opens no guest to anyone else: not to a client holding a copy of the
 * seed cookie, not through a forged or planted seed, not after a log-out, not after the race.
 */
import { describe, expect, it } from "vitest";
import type { UserId } from "../../src/index.ts";
import { adapterServers, serverPerTest, uniquePrefix } from "../support/adapter-servers.ts";
import { cookieHeader } from "../support/cookies.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";
import { type PageBody, pageBrowser } from "../support/page-browser.ts";

const SECRET = "s".repeat(40);
const SESSION = "guest_user_session";
const CSRF_COOKIE = `${SESSION}_csrf`;

type Browser = ReturnType<typeof pageBrowser>;

const formPost = (token: string): RequestInit => ({
  headers: {
    "sec-fetch-site": "same-origin",
    "content-type": "application/x-www-form-urlencoded",
  },
  body: new URLSearchParams({ csrf_token: token, title: "a note" }),
});

/** A browser's first write: its page's form, token in the body, as a browser sends it. */
async function firstWrite(browser: Browser): Promise<{ id: UserId; username: string }> {
  const body = await browser.page("POST", formPost(await browser.csrfToken()));
  expect(body.user?.isGuest).toBe(true);
  return body.user as { id: UserId; username: string };
}

/** Every way a client holding a seed cookie (and nothing else) can make a first write. */
const attempts: Record<string, (client: Browser) => Promise<PageBody>> = {
  "a token derived from the seed (header)": async (client) =>
    client.page("POST", { headers: { "x-csrf-token": await client.csrfToken() } }),
  "a token derived from the seed (same-origin form)": async (client) =>
    client.page("POST", formPost(await client.csrfToken())),
  "no token, same-origin": (client) =>
    client.page("POST", { headers: { "sec-fetch-site": "same-origin" } }),
};

/** A client holding only `seed` tries each way: none gets the guest `id`. */
async function neverGets(base: string, seed: string, id: UserId): Promise<void> {
  for (const [how, attempt] of Object.entries(attempts)) {
    const thief = pageBrowser(base);
    thief.jar.set(CSRF_COOKIE, seed);
    expect((await attempt(thief)).user?.id, how).not.toBe(id);
  }
}

describeEachDatabase("the lazy creation key", (fx) => {
  for (const [name, start] of Object.entries(adapterServers)) {
    describe(name, () => {
      const withServer = serverPerTest(fx, start, () => ({
        secret: SECRET,
        createGuests: "onWrite",
        tablePrefix: uniquePrefix(`key_${name}`),
      }));

      it("a copied seed cookie alone never gets the guest, even with a valid token derived from it", () =>
        withServer(async (server) => {
          const victim = pageBrowser(server.url);
          const guest = await firstWrite(victim);
          await neverGets(server.url, victim.jar.get(CSRF_COOKIE) ?? "", guest.id);
          expect((await victim.page("GET")).user?.id).toBe(guest.id);
        }));

      it("a forged seed is replaced, never trusted, and never gets the guest made under it", () =>
        withServer(async (server) => {
          const forged = "f".repeat(32);
          const victim = pageBrowser(server.url);
          victim.jar.set(CSRF_COOKIE, forged);
          const guest = await firstWrite(victim);
          expect(victim.jar.get(CSRF_COOKIE)).not.toBe(forged);
          await neverGets(server.url, forged, guest.id);
        }));

      it("a planted seed (another browser's valid one) never shares a guest, whoever writes first", () =>
        withServer(async (server, gu) => {
          const attacker = pageBrowser(server.url);
          const own = await firstWrite(attacker);
          const planted = attacker.jar.get(CSRF_COOKIE) ?? "";
          const victim = pageBrowser(server.url);
          victim.jar.set(CSRF_COOKIE, planted);
          const guest = await firstWrite(victim);
          expect(guest.id).not.toBe(own.id);
          await neverGets(server.url, planted, guest.id);
          expect((await gu.stats()).guests).toBeGreaterThanOrEqual(2);
        }));

      it("after a log-out, the old seed never gets the guest back, not even with the old page's token", () =>
        withServer(async (server) => {
          for (const withToken of [true, false]) {
            const victim = pageBrowser(server.url);
            const token = await victim.csrfToken();
            const oldSeed = victim.jar.get(CSRF_COOKIE) ?? "";
            const made = await victim.page(
              "POST",
              withToken
                ? { headers: { "x-csrf-token": token } }
                : { headers: { "sec-fetch-site": "same-origin" } },
            );
            const id = made.user?.id as UserId;
            expect(id).toBeDefined();
            const loggedOut = await victim.send("/accounts/logout/", {
              method: "POST",
              ...formPost(await victim.csrfToken()),
            });
            expect(loggedOut.status).toBe(302);
            expect(victim.jar.get(CSRF_COOKIE)).not.toBe(oldSeed);
            await neverGets(server.url, oldSeed, id);
            // The logged-out browser's own old request, replayed as it was.
            const replay = pageBrowser(server.url);
            replay.jar.set(CSRF_COOKIE, oldSeed);
            const again = await replay.page(
              "POST",
              withToken
                ? { headers: { "x-csrf-token": token } }
                : { headers: { "sec-fetch-site": "same-origin" } },
            );
            expect(again.user?.id, `withToken: ${withToken}`).not.toBe(id);
          }
        }));

      it("the key is handed over only during the insert race (seconds), then never again", () => {
        const clock = testClock();
        return withServer(
          async (server) => {
            const victim = pageBrowser(server.url);
            const token = await victim.csrfToken();
            const seed = victim.jar.get(CSRF_COOKIE) ?? "";
            const request = { headers: { "x-csrf-token": token } };
            const guest = (await victim.page("POST", request)).user;
            const replay = async () => {
              const twin = pageBrowser(server.url);
              twin.jar.set(CSRF_COOKIE, seed);
              return (await twin.page("POST", request)).user;
            };
            // The same page's parallel write, a moment later: the same guest.
            clock.advance(1);
            expect((await replay())?.id).toBe(guest?.id);
            clock.advance(10);
            const late = await replay();
            expect(late?.isGuest).toBe(true);
            expect(late?.id).not.toBe(guest?.id);
            // The key is spent, not passed on to the late one's guest.
            const later = await replay();
            expect([guest?.id, late?.id]).not.toContain(later?.id);
          },
          { clock: clock.now },
        );
      });

      it("20 parallel first form POSTs of one page make ONE guest, and all 20 end with that user", () =>
        withServer(async (server, gu) => {
          const client = pageBrowser(server.url);
          const token = await client.csrfToken();
          const cookie = cookieHeader(client.jar);
          const sessions = await Promise.all(
            Array.from({ length: 20 }, async () => {
              const init = formPost(token);
              const response = await fetch(`${server.url}/page/`, {
                ...init,
                method: "POST",
                headers: { ...(init.headers as Record<string, string>), cookie },
              });
              expect(response.status).toBe(200);
              const line = response.headers
                .getSetCookie()
                .find((value) => value.startsWith(`${SESSION}=`));
              return line?.slice(SESSION.length + 1).split(";")[0] ?? "";
            }),
          );
          const users = await Promise.all(sessions.map((token) => gu.validateSession(token)));
          const ids = new Set(users.map((found) => found?.user.id));
          expect(ids.size).toBe(1);
          expect([...ids][0]).toBeDefined();
          expect((await gu.stats()).guests).toBe(1);
        }));
    });
  }
});
