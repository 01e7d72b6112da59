/**
 * The reference app's settings of issue 6, each by its effect over real HTTP, per adapter and
 * database: `GUEST_USER_CREATE_ON=write` (a GET writes nothing, the POST with its csrf_token
 * makes the guest), `GUEST_USER_CREATION_LIMIT`, `GUEST_USER_LOGIN_LIMIT` (429 with
 * Retry-After), `GUEST_USER_TRUST_PROXY` (the X-Forwarded-For address is the one limited),
 * `GUEST_USER_LIMIT_STORE=redis://...` with `GUEST_USER_LIMIT_PREFIX` (two processes share one
 * limit) and `GUEST_USER_EXPIRE_BY` (as createGuestUsers() resolved it, from the start-up
 * line). Every group has a database of its own, so row counts are exact.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterName } from "../../examples/reference-app/config.ts";
import { createGuestUsers, type GuestUsers } from "../../src/index.ts";
import {
  dropPrefix,
  REDIS_URL,
  readyClient,
  redisProblem,
  uniquePrefix,
} from "../limits/redis-support.ts";
import { type DialectName, type IsolatedDatabase, isolatedDatabase } from "../support/databases.ts";
import {
  type AppProcess,
  assertBuilt,
  Client,
  csrfTokenOf,
  type RunningApp,
  sessionSetCookie,
  startApp,
  type UserJson,
  uniqueName,
} from "./harness.ts";
import { lazyKeyChecks } from "./lazy-key-checks.ts";
import { describeDatabases } from "./suite.ts";

const redisDown = await redisProblem();

/** Rows of our three tables. */
interface Rows {
  users: number;
  guests: number;
  sessions: number;
}

/** The test's own connection to an app's database, to count rows. */
async function openCounter(url: string) {
  const guestUsers: GuestUsers = createGuestUsers({ database: url });
  const { db, settings } = guestUsers;
  const count = async (table: string) => {
    const { rows } = await sql<{
      n: unknown;
    }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    return Number(rows[0]?.n ?? 0);
  };
  return {
    async rows(): Promise<Rows> {
      return {
        users: await count(settings.tables.users.table),
        guests: await count(settings.tables.guests),
        sessions: await count(settings.tables.sessions),
      };
    },
    close: () => guestUsers.close(),
  };
}
type Counter = Awaited<ReturnType<typeof openCounter>>;

/** Processes and databases of one group, stopped and dropped after it (exit code 0 checked). */
function group() {
  const started: AppProcess[] = [];
  const databases: IsolatedDatabase[] = [];
  const counters: Counter[] = [];
  return {
    async database(dialect: DialectName) {
      const database = await isolatedDatabase(dialect);
      databases.push(database);
      return database;
    },
    async counter(url: string) {
      const counter = await openCounter(url);
      counters.push(counter);
      return counter;
    },
    /** Starts every app at once; all must listen. */
    async start(...envs: Record<string, string>[]): Promise<RunningApp[]> {
      const results = await Promise.allSettled(envs.map((env) => startApp(env)));
      for (const result of results)
        if (result.status === "fulfilled") started.push(result.value.process);
      for (const result of results) if (result.status === "rejected") throw result.reason;
      return results.map((result) => (result as PromiseFulfilledResult<RunningApp>).value);
    },
    async stop() {
      const exits = await Promise.all(started.map((process) => process.stop("SIGTERM")));
      for (const counter of counters) await counter.close();
      for (const database of databases) await database.drop();
      for (const [index, exit] of exits.entries()) {
        expect(exit, started[index]?.output).toEqual({ code: 0, signal: null });
        expect(started[index]?.stderr, started[index]?.output).not.toMatch(/Error/);
      }
    },
  };
}

const JSON_HEADERS = { accept: "application/json" };

/** A POSTed HTML form (URL-encoded) that asks for the JSON answer. */
function postForm(client: Client, path: string, fields: Record<string, string>) {
  return client.fetch(path, {
    method: "POST",
    headers: { ...JSON_HEADERS, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
}

let addressCounter = 0;
/** A documentation address (TEST-NET-3) no other test of this process uses. */
function uniqueAddress(): string {
  addressCounter += 1;
  return `203.0.113.${addressCounter % 250}`;
}

export function describeSettings(adapter: AdapterName) {
  describeDatabases((dialect) => {
    describe(`reference app settings: ADAPTER=${adapter} on ${dialect}`, () => {
      const apps = group();
      let lazy: RunningApp;
      let limited: RunningApp;
      let lazyRows: Counter;
      let limitedRows: Counter;

      beforeAll(async () => {
        assertBuilt();
        const lazyDb = await apps.database(dialect);
        const limitedDb = await apps.database(dialect);
        [lazy, limited] = (await apps.start(
          {
            ADAPTER: adapter,
            DATABASE_URL: lazyDb.url,
            GUEST_USER_CREATE_ON: "write",
            GUEST_USER_EXPIRE_BY: "lastSeenAt",
            GUEST_USER_MAX_AGE: "3600",
          },
          {
            ADAPTER: adapter,
            DATABASE_URL: limitedDb.url,
            GUEST_USER_TRUST_PROXY: "loopback",
            GUEST_USER_CREATION_LIMIT: "2/3600",
            GUEST_USER_LOGIN_LIMIT: "3/60",
          },
        )) as [RunningApp, RunningApp];
        lazyRows = await apps.counter(lazyDb.url);
        limitedRows = await apps.counter(limitedDb.url);
      });

      afterAll(() => apps.stop());

      it("the start-up line shows the settings as createGuestUsers() resolved them (GUEST_USER_EXPIRE_BY reaches it)", () => {
        expect(lazy.process.stdout).toMatch(
          /createGuests=onWrite guestCreationLimit=off loginLimit=10\/900 limitStore=memory trustProxy=no expireBy=lastSeenAt maxAge=3600/,
        );
        expect(limited.process.stdout).toMatch(
          /createGuests=onVisit guestCreationLimit=2\/3600 loginLimit=3\/60 limitStore=memory trustProxy=loopback expireBy=createdAt /,
        );
      });

      for (const prefix of ["", "/mixin"]) {
        const allow = `${prefix}/allow_guest_user/`;

        describe(`GUEST_USER_CREATE_ON=write (${allow})`, () => {
          lazyKeyChecks(() => lazy, allow);

          it("GET answers {user: null} and writes nothing (at most the CSRF cookie)", async () => {
            const before = await lazyRows.rows();
            const client = new Client(lazy.url);
            const response = await client.fetch(allow, { headers: JSON_HEADERS });
            expect(response.status).toBe(200);
            expect(await response.json()).toEqual({ user: null });
            expect(sessionSetCookie(response)).toBeUndefined();

            const html = await client.html(allow);
            expect(html).toContain("Not signed in");
            expect(html).toContain('id="guest-pending"');
            expect(html).toContain(`<form method="post" action="${allow}" id="post-form">`);
            csrfTokenOf(html);
            expect(client.session).toBeUndefined();
            expect([...client.cookies.keys()].length).toBeLessThanOrEqual(1); // the CSRF seed
            expect(await lazyRows.rows()).toEqual(before);
          });

          it("the form's POST with its csrf_token makes ONE guest; later visits are that guest", async () => {
            const client = new Client(lazy.url);
            const token = csrfTokenOf(await client.html(allow));
            const before = await lazyRows.rows();
            const response = await postForm(client, allow, { csrf_token: token });
            expect(response.status).toBe(200);
            const { user } = (await response.json()) as UserJson;
            expect(user?.isGuest).toBe(true);
            expect(sessionSetCookie(response)).toMatch(/; HttpOnly/i);
            expect(await lazyRows.rows()).toEqual({
              users: before.users + 1,
              guests: before.guests + 1,
              sessions: before.sessions + 1,
            });
            expect(await client.json(allow)).toEqual({ user });
            const again = await postForm(client, allow, { csrf_token: token });
            expect(await again.json()).toEqual({ user });
            expect(await lazyRows.rows()).toMatchObject({ guests: before.guests + 1 });
          });

          it("an HTML POST answers the HTML page of the new guest", async () => {
            const client = new Client(lazy.url);
            const token = csrfTokenOf(await client.html(allow));
            const response = await client.post(allow, { csrf_token: token });
            expect(response.status).toBe(200);
            expect(await response.text()).toContain("a guest");
            expect((await client.whoami())?.isGuest).toBe(true);
          });

          it("a JSON POST from the same origin makes a guest; a cross-site POST without the token does not", async () => {
            const sameOrigin = new Client(lazy.url);
            const made = await sameOrigin.fetch(allow, {
              method: "POST",
              headers: { ...JSON_HEADERS, "content-type": "application/json", origin: lazy.url },
              body: "{}",
            });
            expect(made.status).toBe(200);
            expect(((await made.json()) as UserJson).user?.isGuest).toBe(true);

            const before = await lazyRows.rows();
            const forged = new Client(lazy.url);
            await forged.html(allow); // has the CSRF cookie, but sends another token
            const refused = await forged.fetch(allow, {
              method: "POST",
              headers: {
                ...JSON_HEADERS,
                "content-type": "application/x-www-form-urlencoded",
                origin: "https://evil.example",
              },
              body: "csrf_token=forged",
            });
            expect(await refused.json()).toEqual({ user: null });
            expect(sessionSetCookie(refused)).toBeUndefined();
            expect(await lazyRows.rows()).toEqual(before);
          });
        });
      }

      describe("GUEST_USER_CREATION_LIMIT=2/3600 and GUEST_USER_TRUST_PROXY=loopback", () => {
        const visit = async (address: string) => {
          const client = new Client(limited.url);
          client.extraHeaders = { "x-forwarded-for": address };
          const response = await client.fetch("/allow_guest_user/", { headers: JSON_HEADERS });
          expect(response.status).toBe(200);
          return { ...((await response.json()) as UserJson), cookie: sessionSetCookie(response) };
        };

        it("the third first visit from one address is served anonymously, without a cookie or rows", async () => {
          const address = uniqueAddress();
          const before = await limitedRows.rows();
          for (let n = 0; n < 2; n++) expect((await visit(address)).user?.isGuest).toBe(true);
          const third = await visit(address);
          expect(third.user).toBeNull();
          expect(third.cookie).toBeUndefined();
          expect((await limitedRows.rows()).guests).toBe(before.guests + 2);
        });

        it("the X-Forwarded-For address is the one limited, not the proxy's (all come from 127.0.0.1)", async () => {
          const full = uniqueAddress();
          for (let n = 0; n < 2; n++) await visit(full);
          expect((await visit(full)).user).toBeNull();
          // Same socket address, another client behind the trusted proxy: not limited.
          expect((await visit(uniqueAddress())).user?.isGuest).toBe(true);
          // The left-most untrusted hop counts: a forged entry before it changes nothing.
          expect((await visit(`198.51.100.7, ${full}`)).user).toBeNull();
        });
      });

      describe("GUEST_USER_LOGIN_LIMIT=3/60", () => {
        it("past 3 failed logins of one username: 429 with Retry-After, the right password refused too", async () => {
          const username = uniqueName("limited");
          const password = "correct-horse-battery-9";
          const signup = new Client(limited.url);
          signup.extraHeaders = { "x-forwarded-for": uniqueAddress() };
          const signed = await signup.submit("/accounts/signup/", {
            username,
            password1: password,
            password2: password,
          });
          expect(signed.status).toBe(302);

          const client = new Client(limited.url);
          client.extraHeaders = { "x-forwarded-for": uniqueAddress() };
          for (let n = 0; n < 3; n++) {
            const wrong = await client.submit("/accounts/login/", { username, password: "nope" });
            expect(wrong.status, `failure ${n + 1}`).toBe(200);
          }
          const refused = await client.submit("/accounts/login/", { username, password });
          expect(refused.status).toBe(429);
          const retryAfter = Number(refused.headers.get("retry-after"));
          expect(retryAfter).toBeGreaterThanOrEqual(1);
          expect(retryAfter).toBeLessThanOrEqual(60);
          expect(client.session).toBeUndefined();

          // Another address (the forwarded one counts) logs in with the right password.
          const elsewhere = new Client(limited.url);
          elsewhere.extraHeaders = { "x-forwarded-for": uniqueAddress() };
          const ok = await elsewhere.submit("/accounts/login/", { username, password });
          expect(ok.status).toBe(302);
        });
      });
    });
  });

  describeDatabases((dialect) => {
    describe.skipIf(redisDown !== null)(
      `reference app GUEST_USER_LIMIT_STORE=redis://... with GUEST_USER_LIMIT_PREFIX, two processes, one limit: ADAPTER=${adapter} on ${dialect}`,
      () => {
        const pair = group();
        const prefix = uniquePrefix(`reference-app-${adapter}-${dialect}`);
        let first: RunningApp;
        let second: RunningApp;
        let rows: Counter;

        beforeAll(async () => {
          const database = await pair.database(dialect);
          const env = {
            ADAPTER: adapter,
            DATABASE_URL: database.url,
            GUEST_USER_CREATION_LIMIT: "3/3600",
            GUEST_USER_LIMIT_STORE: REDIS_URL,
            GUEST_USER_LIMIT_PREFIX: prefix,
          };
          [first, second] = (await pair.start(env, env)) as [RunningApp, RunningApp];
          rows = await pair.counter(database.url);
        });

        afterAll(async () => {
          await pair.stop();
          const redis = await readyClient();
          await dropPrefix(redis, prefix);
          redis.disconnect();
        });

        it("together they create exactly max (3) guests; the keys carry the prefix", async () => {
          expect(first.process.stdout).toContain(`limitStore=redis (prefix ${prefix})`);
          const visits = Array.from({ length: 8 }, (_, n) => {
            const client = new Client((n % 2 === 0 ? first : second).url);
            // Not trusted here: X-Forwarded-For is ignored, every visit is 127.0.0.1's.
            client.extraHeaders = { "x-forwarded-for": `192.0.2.${n + 1}` };
            return client.json("/allow_guest_user/");
          });
          const users = (await Promise.all(visits)).map(({ user }) => user);
          expect(users.filter((user) => user !== null)).toHaveLength(3);
          expect((await rows.rows()).guests).toBe(3);
          const redis = await readyClient();
          try {
            expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0);
          } finally {
            redis.disconnect();
          }
        });
      },
    );
  });
}
