import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENER_NAME } from "../../src/cache/postgres-notify.ts";
import { REDIS_URL, redisProblem } from "../limits/redis-support.ts";
import {
  availableDialects,
  type DialectName,
  type IsolatedDatabase,
  isolatedDatabase,
} from "../support/databases.ts";
import { type AppProcess, startAppProcess } from "../support/session-cache-processes.ts";

/** The documented bound: a revocation stops working on every server within this. */
const BOUND_MS = 100;
const redisDown = (await redisProblem()) !== null;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Setup {
  readonly name: string;
  readonly dialect: DialectName;
  readonly redis: boolean;
  /** How the other process hears of revocations; "local" is the control: it does not. */
  readonly invalidation?: "local";
}

const SETUPS: Setup[] = [
  { name: "PostgreSQL LISTEN/NOTIFY", dialect: "postgres", redis: false },
  { name: "Redis pub/sub, MariaDB", dialect: "mysql", redis: true },
  { name: "Redis pub/sub, SQLite", dialect: "sqlite", redis: true },
];

type Revoke = (a: AppProcess, session: Guest) => Promise<number>;
interface Guest {
  readonly userId: number;
  readonly token: string;
}

const REVOCATIONS: Record<string, Revoke> = {
  logout: (a, s) => a.call("logout", { token: s.token }),
  invalidateUserSessions: (a, s) => a.call("invalidateUser", { userId: s.userId }),
  conversion: (a, s) => a.call("convert", { userId: s.userId }),
  deletion: (a, s) => a.call("deleteUser", { userId: s.userId }),
  "admin deletion": (a, s) => a.call("deleteGuestsAsAdmin", { userId: s.userId }),
  "social conversion": (a, s) => a.call("socialConvert", { userId: s.userId }),
  "log-in with merge": (a, s) => a.call("merge", { userId: s.userId }),
  "clean-up": (a) => a.call("cleanup"),
};

const measured: string[] = [];
afterAll(() => {
  if (measured.length) console.log(`session cache propagation (ms):\n  ${measured.join("\n  ")}`);
});

/** A guest session created by A, served from memory by B (and A). */
async function cachedSession(a: AppProcess, b: AppProcess): Promise<Guest> {
  const session = await a.call<Guest>("createGuest");
  for (const app of [a, b]) {
    await app.call("validate", { token: session.token });
    expect(await app.call("waitListening")).toBe(true);
    expect(await app.call("validate", { token: session.token })).toBe(session.userId);
  }
  return session;
}

/** Revokes through A while B validates every millisecond; returns B's delay after A returned. */
async function propagation(a: AppProcess, b: AppProcess, session: Guest, revoke: Revoke) {
  const watching = b.call<{ refusedAt: number | null; checks: number }>("watch", {
    token: session.token,
    timeoutMs: 1500,
  });
  await sleep(50);
  const startedAt = performance.timeOrigin + performance.now();
  const revokedAt = await revoke(a, session);
  const { refusedAt, checks } = await watching;
  // B served the session before the revocation (the first check answered the user).
  expect(checks).toBeGreaterThan(1);
  expect(refusedAt).not.toBeNull();
  const delay = (refusedAt as number) - revokedAt;
  return { delay, sinceStart: (refusedAt as number) - startedAt };
}

/**
 * Measures up to three times while the delay is over the bound: on a machine loaded by
 * other test files a process may not be scheduled for 100 ms. Every attempt must still be
 * refused (a lost push would leave B serving for its 60 s `ttlMs`, see the control).
 */
async function withinBound(measure: () => Promise<{ delay: number; sinceStart: number }>) {
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const result = await measure();
    if (result.delay < BOUND_MS || attempts === 3) return { ...result, attempts };
  }
}

for (const setup of SETUPS) {
  const skip = !availableDialects().includes(setup.dialect) || (setup.redis && redisDown);
  describe.skipIf(skip)(`session cache across two processes: ${setup.name}`, () => {
    let database: IsolatedDatabase;
    let a: AppProcess;
    let b: AppProcess;
    const channel = `gu-test:${randomBytes(4).toString("hex")}`;
    beforeAll(async () => {
      database = await isolatedDatabase(setup.dialect);
      const env = (label: string) => ({
        GU_DATABASE: database.url,
        GU_REDIS: setup.redis ? REDIS_URL : "",
        GU_REDIS_NAME: `${channel}-${label}`.replaceAll(":", "-"),
        GU_CHANNEL: channel,
      });
      a = await startAppProcess(env("a"));
      await a.call("migrate");
      b = await startAppProcess(env("b"));
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await database?.drop();
    });

    for (const [name, revoke] of Object.entries(REVOCATIONS)) {
      it(`B refuses a session within ${BOUND_MS} ms of A's ${name}`, async () => {
        const { delay, sinceStart, attempts } = await withinBound(async () =>
          propagation(a, b, await cachedSession(a, b), revoke),
        );
        measured.push(
          `${setup.name}, ${name}: ${delay.toFixed(2)} after A's call returned, ${sinceStart.toFixed(2)} after it began${attempts > 1 ? ` (attempt ${attempts})` : ""}`,
        );
        expect(delay).toBeLessThan(BOUND_MS);
      });
    }

    it("bypasses the cache while its listening connection is down, and recovers", async () => {
      const session = await cachedSession(a, b);
      if (setup.redis) {
        const admin = new Redis(REDIS_URL);
        const clients = (await admin.client("LIST")) as string;
        const name = `${channel}-b`.replaceAll(":", "-");
        const ids = clients
          .split("\n")
          .filter((line) => line.includes(` name=${name} `) && / sub=[1-9]/.test(line))
          .map((line) => /id=(\d+)/.exec(line)?.[1]);
        expect(ids).toHaveLength(1);
        await admin.client("KILL", "ID", ids[0] as string);
        admin.disconnect();
      } else {
        const url = new URL(database.url);
        const admin = new pg.Client({ connectionString: url.toString() });
        await admin.connect();
        const { rows } = await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2",
          [url.pathname.slice(1), LISTENER_NAME],
        );
        await admin.end();
        expect(rows.length).toBe(2);
      }
      expect(await b.call("waitDown", { timeoutMs: 2000 })).toBe(true);
      // Down: a revocation B cannot hear of still reaches it, through the database.
      await a.call("logout", { token: session.token });
      expect(await b.call("validate", { token: session.token })).toBeNull();
      expect(await b.call("status")).toMatchObject({ listening: false, size: 0 });
      // Back (reconnected with backoff), and pushed again.
      expect(await b.call("waitListening", { timeoutMs: 10_000 })).toBe(true);
      const { delay } = await withinBound(async () =>
        propagation(a, b, await cachedSession(a, b), REVOCATIONS.invalidateUserSessions as Revoke),
      );
      measured.push(`${setup.name}, after reconnect: ${delay.toFixed(2)}`);
      expect(delay).toBeLessThan(BOUND_MS);
    });
  });
}

describe.skipIf(!availableDialects().includes("postgres"))(
  "session cache across two processes: the control (invalidation local)",
  () => {
    let database: IsolatedDatabase;
    let a: AppProcess;
    let b: AppProcess;
    beforeAll(async () => {
      database = await isolatedDatabase("postgres");
      const env = { GU_DATABASE: database.url, GU_INVALIDATION: "local" };
      a = await startAppProcess(env);
      await a.call("migrate");
      b = await startAppProcess(env);
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await database?.drop();
    });

    it("without a channel B keeps serving a revoked session from memory (what the push prevents)", async () => {
      const session = await cachedSession(a, b);
      const watching = b.call<{ refusedAt: number | null }>("watch", {
        token: session.token,
        timeoutMs: 300,
      });
      await a.call("logout", { token: session.token });
      expect((await watching).refusedAt).toBeNull();
      expect(await a.call("validate", { token: session.token })).toBeNull();
    });
  },
);
