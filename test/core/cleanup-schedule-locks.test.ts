import { sql } from "kysely";
import { afterAll, expect, it } from "vitest";
import {
  type CleanupTick,
  startCleanupSchedule,
} from "../../src/core/operations/cleanup-schedule.ts";
import { createGuestUsers, type GuestUsers } from "../../src/index.ts";
import { dialectQuirks } from "../../src/store/connect.ts";
import type { Db } from "../../src/store/dialect.ts";
import { tryAcquireLease, withSqliteLease } from "../../src/store/dialects/sqlite-lease.ts";
import { databaseLock, leasesTable } from "../../src/store/locks.ts";
import type { DialectName } from "../support/databases.ts";
import { describeEachDatabase, FAST_HASHING, testClock } from "../support/guest-users.ts";

const DAY = 86_400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet = { warn() {}, error() {} };

/** A promise and the function that resolves it. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/**
 * Ends the connection that holds the clean-up lock, the way a crashed server's would end:
 * PostgreSQL: the backend holding our database's advisory lock; MySQL: `IS_USED_LOCK`'s.
 */
async function killLockHolder(db: Db, dialect: DialectName, name: string): Promise<void> {
  if (dialect === "postgres") {
    const { rows } = await sql<{ pid: number }>`select pid from pg_locks where locktype = 'advisory'
      and database = (select oid from pg_database where datname = current_database())`.execute(db);
    expect(rows).toHaveLength(1);
    await sql`select pg_terminate_backend(${rows[0]?.pid})`.execute(db);
  } else {
    const { rows } = await sql<{
      id: number | null;
    }>`select is_used_lock(concat('guest-user:', sha1(concat(coalesce(database(), ''), '/', ${name})))) as id`.execute(
      db,
    );
    expect(rows[0]?.id).not.toBeNull();
    await sql`kill ${sql.lit(Number(rows[0]?.id))}`.execute(db);
  }
}

describeEachDatabase("the clean-up lock", (fx) => {
  let prefixes = 0;
  const prefix = () => `lk${++prefixes}_`;
  const servers: GuestUsers[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  /** Another "server": its own pool (its own better-sqlite3 handle on the same file). */
  const server = (tablePrefix: string, clock: () => number) => {
    const gu = createGuestUsers({
      database: fx.database().url,
      tablePrefix,
      clock,
      maxAge: DAY,
      passwordHashing: FAST_HASHING,
      logger: quiet,
    });
    servers.push(gu);
    return gu;
  };

  /** A runner as createGuestUsers builds it, whose clean-up takes a while after deleting. */
  const slowRunner = (gu: GuestUsers, holdMs: number) =>
    startCleanupSchedule({
      schedule: { everyMs: 3_600_000, batchSize: 1000, onError: null, onRun: null },
      tryLock: databaseLock(gu.db, dialectQuirks(gu.dialect), gu.settings.tables, "cleanup"),
      deleteExpired: async (options) => {
        const result = await gu.deleteExpired(options);
        await sleep(holdMs);
        return result;
      },
      logger: quiet,
    });

  it("of four servers ticking at the same moment, exactly one runs the clean-up", async () => {
    const clock = testClock();
    const tablePrefix = prefix();
    const first = await fx.open({ tablePrefix, clock: clock.now, maxAge: DAY });
    await Promise.all(Array.from({ length: 10 }, () => first.createGuestUser()));
    clock.advance(2 * DAY);
    const others = [1, 2, 3].map(() => server(tablePrefix, clock.now));
    const runners = [first, ...others].map((gu) => slowRunner(gu, 400));
    const ticks: CleanupTick[] = await Promise.all(runners.map((runner) => runner.tick()));
    const ran = ticks.filter((tick) => tick.outcome === "ran");
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ result: { deleted: 10 } });
    expect(ticks.filter((tick) => tick.outcome === "skipped")).toHaveLength(3);
    for (const tick of ticks)
      if (tick.outcome === "skipped")
        expect(tick).toEqual({ outcome: "skipped", reason: "locked" });
    expect(runners.map((runner) => runner.status().skipped).sort()).toEqual([0, 1, 1, 1]);
    expect(await first.stats()).toMatchObject({ guests: 0 });
    // Once it is done the lock is free again, for any of them.
    expect(await runners[2]?.tick()).toMatchObject({ outcome: "ran", result: { deleted: 0 } });
    for (const runner of runners) await runner.stop();
  });

  it("two prefixes on one database do not share the lock", async () => {
    const a = await fx.open({ tablePrefix: prefix() });
    const b = await fx.open({ tablePrefix: prefix() });
    const held = gate();
    const lockA = databaseLock(a.db, dialectQuirks(a.dialect), a.settings.tables, "cleanup");
    const lockB = databaseLock(b.db, dialectQuirks(b.dialect), b.settings.tables, "cleanup");
    const holding = lockA(() => held.opened);
    await sleep(50);
    expect(await lockB(async () => "b ran")).toEqual({ acquired: true, value: "b ran" });
    expect(await lockA(async () => "a again")).toEqual({ acquired: false });
    held.open();
    expect(await holding).toMatchObject({ acquired: true });
  });

  it("a crashed holder does not block the others for long", async () => {
    const clock = testClock();
    const tablePrefix = prefix();
    const survivor = await fx.open({ tablePrefix, clock: clock.now, maxAge: DAY });
    await Promise.all([1, 2, 3].map(() => survivor.createGuestUser()));
    clock.advance(2 * DAY);
    const runner = slowRunner(survivor, 0);
    const { tables } = survivor.settings;

    if (fx.dialect === "sqlite") {
      // A process that took the lease and died: nobody renews it; it lapses after leaseMs.
      const lease = { table: leasesTable(tables), name: "cleanup", leaseMs: 300 };
      expect(await tryAcquireLease(survivor.db, lease, "crashed-process")).toBe(true);
      expect(await runner.tick()).toEqual({ outcome: "skipped", reason: "locked" });
      await sleep(350);
    } else {
      // A server holding the lock whose connection dies (crash, network): the lock goes with it.
      const crashed = server(tablePrefix, clock.now);
      const hang = gate();
      const holding = databaseLock(
        crashed.db,
        dialectQuirks(crashed.dialect),
        tables,
        "cleanup",
      )(() => hang.opened);
      await sleep(100);
      expect(await runner.tick()).toEqual({ outcome: "skipped", reason: "locked" });
      await killLockHolder(survivor.db, fx.dialect, `${tables.guests}:cleanup`);
      let tick = await runner.tick();
      for (let i = 0; i < 40 && tick.outcome === "skipped"; i++) {
        await sleep(50); // the server frees the lock when the killed session is gone
        tick = await runner.tick();
      }
      expect(tick).toMatchObject({ outcome: "ran", result: { deleted: 3 } });
      hang.open();
      // The body finished; letting go failed (the connection is gone): reported, not thrown.
      expect(await holding).toMatchObject({ acquired: true });
      expect((await holding) as { releaseError?: unknown }).toHaveProperty("releaseError");
    }
    expect(await runner.tick()).toMatchObject({ outcome: "ran" });
    expect(await survivor.stats()).toMatchObject({ guests: 0 });
    await runner.stop();
  });

  if (fx.dialect === "sqlite")
    it("SQLite: the holder renews its lease while it works; another handle cannot take it", async () => {
      const tablePrefix = prefix();
      const a = await fx.open({ tablePrefix });
      const b = server(tablePrefix, Date.now);
      const lease = { table: leasesTable(a.settings.tables), name: "cleanup", leaseMs: 150 };
      const held = gate();
      const holding = withSqliteLease(a.db, lease, () => held.opened);
      await sleep(400); // well past one lease: only renewals keep it
      expect(await tryAcquireLease(b.db, lease, "intruder")).toBe(false);
      held.open();
      expect(await holding).toEqual({ acquired: true, value: undefined });
      // Released at once, not left to lapse.
      expect(await tryAcquireLease(b.db, lease, "next")).toBe(true);
    });
});
