import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type CleanupScheduleOptions,
  parseInterval,
} from "../../src/core/config/cleanup-schedule-options.ts";
import { resolveSettings } from "../../src/core/config/settings.ts";
import {
  type CleanupRunnerParts,
  type CleanupTick,
  cleanupRunnerOf,
  startCleanupSchedule,
} from "../../src/core/operations/cleanup-schedule.ts";
import {
  createGuestUsers,
  type DeleteExpiredOptions,
  type DeleteExpiredResult,
  GuestUserError,
} from "../../src/index.ts";
import type { LockOutcome } from "../../src/store/locks.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const DAY = 86_400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RESULT: DeleteExpiredResult = {
  deleted: 0,
  expired: 0,
  kept: 0,
  sessionsDeleted: 0,
  dryRun: false,
};

function invalid(option: unknown): GuestUserError & { option?: string } {
  try {
    resolveSettings({ cleanup: option as CleanupScheduleOptions });
  } catch (error) {
    if (error instanceof GuestUserError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(option)}`);
}

describe("the cleanup option", () => {
  it("reads durations and milliseconds, fills in the defaults", () => {
    expect(parseInterval("30s")).toBe(30_000);
    expect(parseInterval("15m")).toBe(900_000);
    expect(parseInterval(" 1.5H ")).toBe(5_400_000);
    expect(parseInterval("1d")).toBe(86_400_000);
    expect(parseInterval(90_000)).toBe(90_000);
    for (const bad of ["soon", "1w", "1 hour", "", "-1h", "0s", 0, -5, Number.NaN, null, {}])
      expect(parseInterval(bad)).toBeNull();
    expect(resolveSettings({}).cleanup).toBeNull();
    expect(resolveSettings({ cleanup: null }).cleanup).toBeNull();
    const onRun = () => {};
    expect(resolveSettings({ cleanup: { every: "1h", onRun } }).cleanup).toEqual({
      everyMs: 3_600_000,
      batchSize: null,
      onError: null,
      onRun,
    });
    expect(
      resolveSettings({ cleanup: { every: 60_000, batchSize: 50_000 } }).cleanup,
    ).toMatchObject({ everyMs: 60_000, batchSize: 50_000 });
  });

  it("refuses bad values with INVALID_CONFIG naming the field and what it accepts", () => {
    for (const every of ["30s", 59_999, "8d", "soon", "1w", undefined, null, 0]) {
      const error = invalid({ every });
      expect(error.code).toBe("INVALID_CONFIG");
      expect(error.option).toBe("cleanup.every");
      expect(error.message).toContain('"30s", "15m", "1h" or "1d"');
      expect(error.message).toContain("from 1 minute to 7 days");
    }
    expect(invalid("1h").option).toBe("cleanup");
    for (const batchSize of [0, 1.5, 50_001, "100"])
      expect(invalid({ every: "1h", batchSize }).option).toBe("cleanup.batchSize");
    expect(invalid({ every: "1h", onError: "log" }).option).toBe("cleanup.onError");
    expect(invalid({ every: "1h", onRun: 1 }).option).toBe("cleanup.onRun");
    expect(() =>
      createGuestUsers({ database: "sqlite::memory:", cleanup: { every: "10s" } }),
    ).toThrow(/Invalid option `cleanup.every`/);
  });
});

/** A runner on a fake lock and clean-up, to watch the timer and the error handling. */
function fakeRunner(overrides: Partial<CleanupRunnerParts> & { everyMs?: number } = {}) {
  const logged: string[] = [];
  const runs: number[] = [];
  const parts: CleanupRunnerParts = {
    schedule: { everyMs: overrides.everyMs ?? 40, batchSize: 10, onError: null, onRun: null },
    tryLock: async <T>(body: () => Promise<T>): Promise<LockOutcome<T>> => ({
      acquired: true,
      value: await body(),
    }),
    deleteExpired: async () => {
      runs.push(Date.now());
      return RESULT;
    },
    logger: { warn: (m: string) => logged.push(`warn ${m}`), error: (m: string) => logged.push(m) },
    random: () => 0.5,
    ...overrides,
  };
  return { runner: startCleanupSchedule(parts), logged, runs };
}

describe("the schedule", () => {
  it("first runs one interval plus the jitter after start, then again after each round", async () => {
    const started = Date.now();
    const { runner, runs } = fakeRunner({ everyMs: 60 });
    expect(runner.status()).toMatchObject({ scheduled: true, every: 60, running: false });
    const due = runner.status().nextRunAt?.getTime() ?? 0;
    expect(due - started).toBeGreaterThanOrEqual(63); // 60 + 10 % x 0.5
    expect(due - started).toBeLessThan(63 + 20);
    await sleep(40);
    expect(runs).toEqual([]);
    await sleep(200);
    await runner.stop();
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect((runs[0] as number) - started).toBeGreaterThanOrEqual(62);
    for (let i = 1; i < runs.length; i++)
      expect((runs[i] as number) - (runs[i - 1] as number)).toBeGreaterThanOrEqual(60);
    const after = runs.length;
    await sleep(150);
    expect(runs.length).toBe(after);
    expect(runner.status()).toMatchObject({ scheduled: false, nextRunAt: null });
  });

  it("never overlaps itself; close waits for the round under way", async () => {
    let release = () => {};
    const { runner } = fakeRunner({
      everyMs: 60_000,
      deleteExpired: () =>
        new Promise<DeleteExpiredResult>((resolve) => {
          release = () => resolve({ ...RESULT, deleted: 7 });
        }),
    });
    const first = runner.tick();
    expect(runner.status().running).toBe(true);
    expect(await runner.tick()).toEqual({ outcome: "skipped", reason: "busy" });
    let stopped = false;
    const stopping = runner.stop().then(() => {
      stopped = true;
    });
    await sleep(20);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await first).toMatchObject({ outcome: "ran", result: { deleted: 7 } });
    expect(await runner.tick()).toEqual({ outcome: "skipped", reason: "stopped" });
  });

  it("logs a failed round once, without the password, and keeps going", async () => {
    const failure = Object.assign(
      new Error("connect to postgres://app:hunter2-secret@db:5432/app refused"),
      { code: "ECONNREFUSED" },
    );
    let fail = true;
    const { runner, logged } = fakeRunner({
      everyMs: 60_000,
      deleteExpired: async () => {
        if (fail) throw failure;
        return RESULT;
      },
    });
    const tick: CleanupTick = await runner.tick();
    expect(tick).toEqual({ outcome: "failed", error: failure });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain("the scheduled clean-up failed");
    expect(logged.join()).not.toContain("hunter2");
    expect(runner.status().lastError).toMatchObject({ code: "ECONNREFUSED" });
    expect(runner.status().lastError?.message).not.toContain("hunter2");
    expect(runner.status().nextRunAt).not.toBeNull();
    fail = false;
    expect(await runner.tick()).toMatchObject({ outcome: "ran" });
    expect(runner.status().lastError).toBeNull();
    expect(logged).toHaveLength(1);
    await runner.stop();
  });

  it("hands failures to onError instead of the log, and results to onRun", async () => {
    const errors: unknown[] = [];
    const results: DeleteExpiredResult[] = [];
    const boom = new Error("boom");
    let fail = true;
    const { runner, logged } = fakeRunner({
      schedule: {
        everyMs: 60_000,
        batchSize: 10,
        onError: (error) => errors.push(error),
        onRun: (result) => results.push(result),
      },
      deleteExpired: async (options: DeleteExpiredOptions) => {
        if (fail) throw boom;
        return { ...RESULT, deleted: options.batchSize ?? -1 };
      },
    });
    await runner.tick();
    fail = false;
    await runner.tick();
    await runner.stop();
    expect(errors).toEqual([boom]);
    expect(results).toEqual([{ ...RESULT, deleted: 10 }]);
    expect(logged).toEqual([]);
  });

  it("leaves the batch size to deleteExpired() unless one is given (SQLite's time budget)", async () => {
    const seen: DeleteExpiredOptions[] = [];
    const schedule = { everyMs: 60_000, onError: null, onRun: null };
    for (const batchSize of [null, 300]) {
      const { runner } = fakeRunner({
        schedule: { ...schedule, batchSize },
        deleteExpired: async (options: DeleteExpiredOptions) => {
          seen.push(options);
          return RESULT;
        },
      });
      await runner.tick();
      await runner.stop();
    }
    expect(seen.map((options) => options.batchSize)).toEqual([undefined, 300]);
    expect("batchSize" in (seen[0] as object)).toBe(false);
  });

  it("never keeps the process alive", () => {
    const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
    const code = `import { createGuestUsers } from ${JSON.stringify(entry)};
      const gu = createGuestUsers({ database: "sqlite::memory:", cleanup: { every: "1m" } });
      console.log(gu.cleanupStatus().scheduled);`;
    const started = Date.now();
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", code],
      {
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(child.stderr).toBe("");
    expect(child.stdout.trim()).toBe("true");
    expect(child.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describeEachDatabase("scheduled clean-up", (fx) => {
  let prefixes = 0;
  const prefix = () => `cs${++prefixes}_`;

  it("runs deleteExpired() under the lock each round; status says what it did", async () => {
    const clock = testClock();
    const gu = await fx.open({
      tablePrefix: prefix(),
      clock: clock.now,
      maxAge: DAY,
      cleanup: { every: "1h", batchSize: 2 },
    });
    await Promise.all([1, 2, 3, 4, 5].map(() => gu.createGuestUser()));
    clock.advance(2 * DAY);
    const fresh = await gu.createGuestUser();
    const runner = cleanupRunnerOf(gu);
    expect(runner).not.toBeNull();
    const before = Date.now();
    const tick = await runner?.tick();
    expect(tick).toMatchObject({ outcome: "ran", result: { deleted: 5, expired: 5 } });
    const status = gu.cleanupStatus();
    expect(status).toMatchObject({
      scheduled: true,
      every: 3_600_000,
      running: false,
      lastResult: { deleted: 5 },
      lastError: null,
      skipped: 0,
    });
    expect(status.lastRunAt?.getTime()).toBeGreaterThanOrEqual(before);
    const due = (status.nextRunAt?.getTime() ?? 0) - before;
    expect(due).toBeGreaterThan(3_500_000);
    expect(due).toBeLessThanOrEqual(3_960_000);
    expect(await gu.stats()).toMatchObject({ guests: 1, expired: 0 });
    expect(await gu.getUser(fresh)).not.toBeNull();
    // The lock was let go: the next round takes it again.
    expect(await runner?.tick()).toMatchObject({ outcome: "ran", result: { deleted: 0 } });
  });

  it("close() stops the schedule: a round under way ends after its current batch", async () => {
    const clock = testClock();
    const tablePrefix = prefix();
    const setup = await fx.open({ tablePrefix, clock: clock.now, maxAge: DAY });
    await Promise.all(Array.from({ length: 6 }, () => setup.createGuestUser()));
    clock.advance(2 * DAY);
    const gu = createGuestUsers({
      database: fx.database().url,
      tablePrefix,
      clock: clock.now,
      maxAge: DAY,
      logger: { warn() {}, error() {} },
      cleanup: { every: "1h", batchSize: 1 },
    });
    const running = cleanupRunnerOf(gu)?.tick();
    await sleep(0);
    await gu.close();
    expect(gu.cleanupStatus()).toMatchObject({ scheduled: false, running: false, nextRunAt: null });
    const tick = await running;
    expect(tick?.outcome).toBe("stopped");
    const deleted = tick?.outcome === "stopped" ? tick.deleted : -1;
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(deleted).toBeLessThan(6);
    expect(await setup.stats()).toMatchObject({ expired: 6 - deleted });
    expect(await cleanupRunnerOf(gu)?.tick()).toEqual({ outcome: "skipped", reason: "stopped" });
  });

  it("without the option there is no schedule", async () => {
    const gu = await fx.open({ tablePrefix: prefix() });
    expect(cleanupRunnerOf(gu)).toBeNull();
    expect(gu.cleanupStatus()).toMatchObject({ scheduled: false, every: null, lastRunAt: null });
  });
});
