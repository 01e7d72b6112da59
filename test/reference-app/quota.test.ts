/**
 * The reference app's quota contract (issue 20), as real processes over real HTTP, per
 * adapter on SQLite and PostgreSQL: `GUEST_USER_QUOTA=ai:3/10/3600` and `POST /quota/ai/`
 * (a guest on the first POST; 3 units, then 429 `QUOTA_EXCEEDED` with `upgradeUrl`; after
 * converting, up to 10 in the same window), and two processes on one Redis sharing it
 * (`GUEST_USER_LIMIT_STORE` with a prefix of the test's own).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADAPTERS } from "../../examples/reference-app/config.ts";
import {
  dropPrefix,
  REDIS_URL,
  readyClient,
  redisProblem,
  uniquePrefix,
} from "../limits/redis-support.ts";
import { type IsolatedDatabase, isolatedDatabase } from "../support/databases.ts";
import {
  type AppProcess,
  assertBuilt,
  Client,
  PASSWORD,
  type RunningApp,
  startApp,
  uniqueName,
} from "./harness.ts";
import { describeDatabases } from "./suite.ts";

const QUOTA = "ai:3/10/3600";
const redisDown = await redisProblem();

type QuotaJson = { quota: { name: string; limit: number; remaining: number; resetAt: string } };

/** POSTs `/quota/ai/` as JSON: the status and the body. */
async function spend(client: Client) {
  const response = await client.fetch("/quota/ai/", {
    method: "POST",
    headers: { accept: "application/json" },
  });
  return {
    status: response.status,
    response,
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function remaining(client: Client, times: number) {
  const left: number[] = [];
  for (let i = 0; i < times; i++) {
    const { status, body } = await spend(client);
    expect(status).toBe(200);
    left.push((body as QuotaJson).quota.remaining);
  }
  return left;
}

describeDatabases((dialect) => {
  describe(`reference app GUEST_USER_QUOTA on ${dialect}`, () => {
    const started: AppProcess[] = [];
    const databases: IsolatedDatabase[] = [];
    const apps = new Map<string, RunningApp>();

    beforeAll(async () => {
      assertBuilt();
      await Promise.all(
        ADAPTERS.map(async (adapter) => {
          const database = await isolatedDatabase(dialect);
          databases.push(database);
          const app = await startApp({
            ADAPTER: adapter,
            DATABASE_URL: database.url,
            GUEST_USER_QUOTA: QUOTA,
          });
          started.push(app.process);
          apps.set(adapter, app);
        }),
      );
    }, 120_000);

    afterAll(async () => {
      const exits = await Promise.all(started.map((process) => process.stop("SIGTERM")));
      for (const database of databases) await database.drop();
      for (const exit of exits) expect(exit).toEqual({ code: 0, signal: null });
    });

    for (const adapter of ADAPTERS) {
      it(`${adapter}: a guest gets 3, then 429 with upgradeUrl; converted, up to 10 in the same window`, async () => {
        const app = apps.get(adapter) as RunningApp;
        expect(app.process.stdout).toContain("quota=ai:3/10/3600");
        const client = new Client(app.url);
        const first = await spend(client);
        expect(first.status).toBe(200);
        expect(first.body).toEqual({
          quota: { name: "ai", limit: 3, remaining: 2, resetAt: expect.any(String) },
        });
        expect(client.session).toBeDefined(); // the guest made on that first write
        expect((await client.whoami())?.isGuest).toBe(true);
        expect(await remaining(client, 2)).toEqual([1, 0]);

        const refused = await spend(client);
        expect(refused.status).toBe(429);
        expect(Number(refused.response.headers.get("retry-after"))).toBeGreaterThan(3500);
        expect(refused.body).toEqual({
          error: { code: "QUOTA_EXCEEDED", message: expect.any(String) },
          quota: {
            name: "ai",
            limit: 3,
            remaining: 0,
            resetAt: (first.body as QuotaJson).quota.resetAt,
          },
          upgradeUrl: "/convert/?next=/quota/ai/",
        });

        const converted = await client.submit("/convert/", {
          username: uniqueName("quota"),
          password1: PASSWORD,
          password2: PASSWORD,
        });
        expect(converted.status).toBe(302);
        expect((await client.whoami())?.isGuest).toBe(false);
        expect(await remaining(client, 7)).toEqual([6, 5, 4, 3, 2, 1, 0]);
        const done = await spend(client);
        expect(done.status).toBe(429);
        expect(done.body).toMatchObject({ quota: { limit: 10, remaining: 0 }, upgradeUrl: null });
      });
    }
  });

  describe.skipIf(redisDown !== null)(
    `reference app GUEST_USER_QUOTA, two processes on one Redis, on ${dialect}`,
    () => {
      let database: IsolatedDatabase;
      const prefix = uniquePrefix("ref-quota");
      let apps: RunningApp[] = [];

      beforeAll(async () => {
        assertBuilt();
        database = await isolatedDatabase(dialect);
        const env = {
          DATABASE_URL: database.url,
          GUEST_USER_QUOTA: QUOTA,
          GUEST_USER_LIMIT_STORE: REDIS_URL,
          GUEST_USER_LIMIT_PREFIX: prefix,
        };
        // One migrates first, so that two processes do not race on a fresh SQLite file's schema.
        apps = [await startApp({ ...env, ADAPTER: "express" })];
        apps.push(await startApp({ ...env, ADAPTER: "fastify" }));
      }, 120_000);

      afterAll(async () => {
        for (const app of apps) await app.process.stop("SIGTERM");
        await database?.drop();
        const redis = await readyClient();
        await dropPrefix(redis, prefix);
        redis.disconnect();
      });

      it("counts one guest's units on both servers against one limit", async () => {
        const [one, two] = apps as [RunningApp, RunningApp];
        const a = new Client(one.url);
        expect(await remaining(a, 2)).toEqual([2, 1]);
        const b = new Client(two.url);
        for (const [name, value] of a.cookies) b.cookies.set(name, value);
        expect(await remaining(b, 1)).toEqual([0]);
        expect((await spend(b)).status).toBe(429);
        expect((await spend(a)).status).toBe(429);
      });
    },
  );
});
