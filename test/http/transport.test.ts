/**
 * How requests reach us, over real HTTP on Express, Hono and Fastify (SQLite, PostgreSQL,
 * MariaDB): which `Authorization: Bearer` counts, when cookies are `Secure`, which proxies are
 * believed (client address and protocol), absolute-form request targets, clients that hang up
 * mid-body.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchHandler } from "../../src/http/fetch-handler.ts";
import { allowGuestUser } from "../../src/http/guards.ts";
import { createGuestUserHttp } from "../../src/http/guest-user-http.ts";
import { userJson } from "../../src/http/request.ts";
import type { GuestUsers, User } from "../../src/index.ts";
import { memoryLimitStore } from "../../src/limits/memory.ts";
import type { LimitStore } from "../../src/limits/types.ts";
import {
  collectingLogger,
  FRAMEWORKS,
  type RunningApp,
  SESSION,
  sessionCookieOf,
  startApp,
} from "../adapters/frameworks.ts";
import { hangUp, rawHttp, rawRequest } from "../adapters/raw-http.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const SECRET = "t".repeat(40);
const PASSWORD = "Zebra-Quantum-77!";
/** Somebody else's bearer token (a JWT): not ours, so it must not hide our cookie. */
const FOREIGN_JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
/** Our token's shape (22 + 43 base64url characters), but no session of ours. */
const UNKNOWN_TOKEN = `${"A".repeat(22)}.${"B".repeat(43)}`;
/** Almost our shape: one character short. */
const MALFORMED_TOKEN = `${"A".repeat(22)}.${"B".repeat(42)}`;

type UserBody = { user: { id: unknown; username: string; isGuest: boolean } | null };

async function userOf(response: Response): Promise<UserBody["user"]> {
  expect(response.status).toBe(200);
  return ((await response.json()) as UserBody).user;
}

/** A limit store that remembers the keys `guestCreationLimit` counted. */
function recordingLimitStore(): LimitStore & { readonly keys: string[] } {
  const inner = memoryLimitStore();
  const keys: string[] = [];
  return {
    keys,
    hit(key, limit) {
      keys.push(key);
      return inner.hit(key, limit);
    },
    peek: (key, limit) => inner.peek(key, limit),
    reset: (key) => inner.reset(key),
  };
}

describeEachDatabase("transport over real HTTP", (fx) => {
  describe.each(FRAMEWORKS)("%s", (framework) => {
    let gu: GuestUsers;
    let app: RunningApp;
    let member: User;
    let cookie: string;
    const started: RunningApp[] = [];
    const start = async (guestUsers: GuestUsers, options?: { trustProxy?: boolean }) => {
      const running = await startApp(framework, guestUsers, options);
      started.push(running);
      return running;
    };

    beforeAll(async () => {
      gu = await fx.open({ secret: SECRET, tablePrefix: `${framework}_` });
      member = await gu.createUser({
        username: `member_${framework}`,
        password1: PASSWORD,
        password2: PASSWORD,
      });
      cookie = `${SESSION}=${(await gu.createSession(member.id)).token}`;
      app = await start(gu);
    });
    afterAll(async () => {
      for (const running of started) await running.close();
    });

    describe("Authorization: Bearer", () => {
      it("a foreign bearer token (a JWT) next to a registered user's cookie: still that user, no new guest", async () => {
        const before = (await gu.stats()).guests;
        for (const path of ["/s/allow/", "/n/allow/", "/s/plain/"]) {
          const response = await fetch(`${app.url}${path}`, {
            headers: { cookie, authorization: `Bearer ${FOREIGN_JWT}` },
          });
          expect(await userOf(response)).toMatchObject({ id: member.id, isGuest: false });
          expect(sessionCookieOf(response.headers.getSetCookie())).toBeUndefined();
        }
        expect((await gu.stats()).guests).toBe(before);
      });

      it("reads our token whatever the scheme's case (bearer, BEARER)", async () => {
        for (const scheme of ["bearer", "BEARER", "Bearer"]) {
          const { token } = await gu.createSession(member.id);
          const response = await fetch(`${app.url}/n/regular/`, {
            headers: { authorization: `${scheme} ${token}` },
            redirect: "manual",
          });
          expect(await userOf(response)).toMatchObject({ id: member.id, isGuest: false });
          // A bearer client gets no cookie.
          expect(response.headers.getSetCookie()).toEqual([]);
        }
      });

      it("an unknown or malformed token of our shape never hides a valid cookie (nor clears it)", async () => {
        const before = (await gu.stats()).guests;
        for (const token of [UNKNOWN_TOKEN, MALFORMED_TOKEN]) {
          for (const path of ["/s/allow/", "/n/allow/"]) {
            const response = await fetch(`${app.url}${path}`, {
              headers: { cookie, authorization: `Bearer ${token}` },
            });
            expect(await userOf(response)).toMatchObject({ id: member.id, isGuest: false });
            expect(sessionCookieOf(response.headers.getSetCookie())).toBeUndefined();
          }
        }
        expect((await gu.stats()).guests).toBe(before);
        // Alone, the unknown token is an anonymous visitor, as a stale cookie would be.
        const alone = await fetch(`${app.url}/n/regular/`, {
          headers: { authorization: `Bearer ${UNKNOWN_TOKEN}` },
          redirect: "manual",
        });
        expect(alone.status).toBe(302);
        expect(alone.headers.get("location")).toBe("/accounts/login/?next=/n/regular/");
      });
    });

    describe("Secure cookies", () => {
      it("plain HTTP on a non-localhost Host: no Secure", async () => {
        for (const host of [`192.168.1.20:3000`, "staging.internal"]) {
          const answer = await rawRequest(`${app.url}/s/allow/`, { headers: { host } });
          expect(answer.status).toBe(200);
          const line = sessionCookieOf(answer.setCookies);
          expect(line).toMatch(/; HttpOnly/);
          expect(line).not.toMatch(/Secure/i);
        }
      });

      it("behind a trusted proxy, X-Forwarded-Proto: https makes them Secure (and http does not)", async () => {
        const { logger, warnings } = collectingLogger();
        const trusting = await start(
          await fx.open({ secret: SECRET, tablePrefix: `${framework}_`, logger }),
          { trustProxy: true },
        );
        const https = await rawRequest(`${trusting.url}/s/allow/`, {
          headers: { host: "shop.example", "x-forwarded-proto": "https" },
        });
        expect(https.status).toBe(200);
        expect(sessionCookieOf(https.setCookies)).toMatch(/; Secure/);
        const plain = await rawRequest(`${trusting.url}/n/allow/`, {
          headers: { host: "shop.example", "x-forwarded-proto": "http" },
        });
        expect(plain.status).toBe(200);
        expect(sessionCookieOf(plain.setCookies)).not.toMatch(/Secure/i);
        expect(warnings).toEqual([]);
      });

      it("without trust, X-Forwarded-Proto is ignored (no Secure) and one warning says to trust the proxy", async () => {
        const { logger, warnings } = collectingLogger();
        const untrusting = await start(
          await fx.open({ secret: SECRET, tablePrefix: `${framework}_`, logger }),
        );
        for (const path of ["/s/allow/", "/n/allow/", "/s/allow/"]) {
          const answer = await rawRequest(`${untrusting.url}${path}`, {
            headers: { host: "staging.internal", "x-forwarded-proto": "https" },
          });
          expect(answer.status).toBe(200);
          expect(sessionCookieOf(answer.setCookies)).not.toMatch(/Secure/i);
        }
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/X-Forwarded-Proto/);
        expect(warnings[0]).toMatch(/trust/);
      });

      it("cookie.secure: true on plain HTTP: Secure as asked, and ONE warning naming the fix", async () => {
        const { logger, warnings } = collectingLogger();
        const forced = await start(
          await fx.open({
            secret: SECRET,
            tablePrefix: `${framework}_`,
            logger,
            cookie: { secure: true },
          }),
        );
        for (let i = 0; i < 3; i++) {
          const answer = await rawRequest(`${forced.url}/s/allow/`, {
            headers: { host: "staging.internal" },
          });
          expect(answer.status).toBe(200);
          expect(sessionCookieOf(answer.setCookies)).toMatch(/; Secure/);
        }
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/plain-HTTP/);
        expect(warnings[0]).toContain('cookie.secure: "auto"');
        expect(warnings[0]).toMatch(/trust proxy/);
      });
    });

    it("an absolute-form request target (GET http://host/path HTTP/1.1): 200 and a guest", async () => {
      for (const path of ["/s/allow/", "/n/allow/"]) {
        const raw = await rawHttp(
          app.port,
          [
            `GET http://127.0.0.1:${app.port}${path}?via=proxy HTTP/1.1`,
            `Host: 127.0.0.1:${app.port}`,
            `User-Agent: ${BROWSER_USER_AGENT}`,
            "Accept: application/json",
          ].join("\r\n"),
        );
        const [head = "", body = ""] = raw.split("\r\n\r\n");
        expect(head.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
        expect(head).toMatch(new RegExp(`^set-cookie: ${SESSION}=[\\w-]+\\.[\\w-]+;`, "im"));
        expect(body).toMatch(/"isGuest":true/);
      }
    });

    const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

    it("clients that hang up mid-body (30 aborted POSTs to a mounted Web handler): nothing logged, no next(err), still serving", async () => {
      const { logger, errors } = collectingLogger();
      const aborting = await start(
        await fx.open({ secret: SECRET, tablePrefix: `${framework}_`, logger }),
      );
      await Promise.all(
        Array.from({ length: 30 }, () => hangUp(aborting.port, "/echo/", "text/plain", "abc")),
      );
      await settle();
      expect(errors).toEqual([]);
      if (framework === "express") expect(aborting.appErrors).toEqual([]);
      const echoed = await fetch(`${aborting.url}/echo/`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "hello",
      });
      expect([echoed.status, await echoed.text()]).toEqual([200, "hello"]);
      expect((await userOf(await fetch(`${aborting.url}/n/allow/`)))?.isGuest).toBe(true);
    });

    // Express and Hono stream the body into the view: an abort lands in the views' catch-all,
    // which must not log it (Fastify reads the body before the view runs).
    it("clients that hang up mid-body (30 aborted POSTs to the login view): nothing logged, still serving", async () => {
      const { logger, errors } = collectingLogger();
      const aborting = await start(
        await fx.open({ secret: SECRET, tablePrefix: `${framework}_`, logger }),
      );
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 2 === 0
            ? hangUp(aborting.port, "/accounts/login/", "application/json", '{"username":"ada"')
            : hangUp(
                aborting.port,
                "/accounts/login/",
                "application/x-www-form-urlencoded",
                "username=ada&password=",
              ),
        ),
      );
      await settle();
      expect((await userOf(await fetch(`${aborting.url}/n/allow/`)))?.isGuest).toBe(true);
      expect((await fetch(`${aborting.url}/accounts/login/`)).status).toBe(200);
      expect(aborting.appErrors).toEqual([]);
      expect(errors).toEqual([]);
    });

    it("guestCreationLimit sees the X-Forwarded-For address only when the proxy is trusted", async () => {
      for (const trustProxy of [false, true]) {
        const limitStore = recordingLimitStore();
        const limited = await start(
          await fx.open({
            secret: SECRET,
            tablePrefix: `${framework}_`,
            guestCreationLimit: { max: 1, windowSeconds: 3600 },
            limitStore,
          }),
          { trustProxy },
        );
        const visit = async (forwardedFor: string) =>
          userOf(
            await fetch(`${limited.url}/n/allow/`, {
              headers: { "x-forwarded-for": forwardedFor },
            }),
          );
        const first = await visit("203.0.113.7");
        const second = await visit("198.51.100.4");
        const third = await visit("198.51.100.4");
        expect(first?.isGuest).toBe(true);
        if (trustProxy) {
          expect(limitStore.keys).toEqual([
            "guest:203.0.113.7",
            "guest:198.51.100.4",
            "guest:198.51.100.4",
          ]);
          expect([second?.isGuest, third]).toEqual([true, null]);
        } else {
          // Untrusted: the header is anybody's to forge; the socket's address counts.
          expect(limitStore.keys).toEqual(Array(3).fill("guest:127.0.0.1"));
          expect([second, third]).toEqual([null, null]);
        }
      }
    });
  });

  describe("fetchHandler: clientAddress and trustProxy", () => {
    const handlerFor = async (trustProxy: string | undefined) => {
      const limitStore = recordingLimitStore();
      const { logger, warnings } = collectingLogger();
      const gu = await fx.open({
        secret: SECRET,
        tablePrefix: "fetch_",
        guestCreationLimit: { max: 1, windowSeconds: 3600 },
        limitStore,
        logger,
      });
      const handler = fetchHandler(
        createGuestUserHttp(gu),
        [allowGuestUser()],
        async (_request, { state }) => Response.json(userJson(state.user)),
        {
          clientAddress: () => "10.1.2.3",
          ...(trustProxy === undefined ? {} : { trustProxy }),
        },
      );
      const visit = (forwardedFor: string, proto?: string) =>
        handler(
          new Request("http://app.internal/page/", {
            headers: {
              "user-agent": BROWSER_USER_AGENT,
              "x-forwarded-for": forwardedFor,
              ...(proto ? { "x-forwarded-proto": proto } : {}),
            },
          }),
        );
      return { visit, keys: limitStore.keys, warnings };
    };

    it("believes X-Forwarded-For and -Proto only from a trusted proxy", async () => {
      const trusted = await handlerFor("10.0.0.0/8");
      const first = await trusted.visit("203.0.113.7", "https");
      expect((await userOf(first))?.isGuest).toBe(true);
      expect(sessionCookieOf(first.headers.getSetCookie())).toMatch(/; Secure/);
      expect((await userOf(await trusted.visit("198.51.100.4")))?.isGuest).toBe(true);
      expect(await userOf(await trusted.visit("198.51.100.4"))).toBeNull();
      expect(trusted.keys).toEqual([
        "guest:203.0.113.7",
        "guest:198.51.100.4",
        "guest:198.51.100.4",
      ]);

      for (const setting of [undefined, "loopback"]) {
        const untrusted = await handlerFor(setting);
        const response = await untrusted.visit("203.0.113.7", "https");
        expect((await userOf(response))?.isGuest).toBe(true);
        expect(sessionCookieOf(response.headers.getSetCookie())).not.toMatch(/Secure/i);
        expect(await userOf(await untrusted.visit("198.51.100.4"))).toBeNull();
        expect(untrusted.keys).toEqual(["guest:10.1.2.3", "guest:10.1.2.3"]);
        expect(untrusted.warnings.filter((line) => /X-Forwarded-Proto/.test(line))).toHaveLength(1);
      }
    });
  });
});
