/**
 * One "server" process of the cross-process clean-up lock tests
 * (test/core/cleanup-schedule-processes.test.ts). Environment:
 * - GU_DATABASE, GU_PREFIX: the database and table prefix (migrated by the parent);
 * - GU_NOW: the clock (milliseconds) the guests' expiry is measured against;
 * - GU_MODE=tick: print "ready", wait for a line on stdin, run one round whose clean-up
 *   holds the lock GU_HOLD_MS longer, print the round's outcome as JSON, exit;
 * - GU_MODE=hold: take the SQLite lease (GU_LEASE_MS) and print "held", then hang until
 *   killed (a crash).
 */
import { startCleanupSchedule } from "../../src/core/operations/cleanup-schedule.ts";
import { createGuestUsers } from "../../src/index.ts";
import { dialectQuirks } from "../../src/store/connect.ts";
import { withSqliteLease } from "../../src/store/dialects/sqlite-lease.ts";
import { databaseLock, leasesTable } from "../../src/store/locks.ts";

const env = (name: string) => process.env[name] ?? "";
const now = Number(env("GU_NOW"));
const gu = createGuestUsers({
  database: env("GU_DATABASE"),
  tablePrefix: env("GU_PREFIX"),
  maxAge: 86_400,
  clock: () => now,
  logger: { warn() {}, error() {} },
});

if (env("GU_MODE") === "hold") {
  const lease = {
    table: leasesTable(gu.settings.tables),
    name: "cleanup",
    leaseMs: Number(env("GU_LEASE_MS")),
  };
  void withSqliteLease(gu.db, lease, () => {
    console.log("held");
    return new Promise<never>(() => {});
  });
  setInterval(() => {}, 1000); // stay alive until killed
} else {
  const runner = startCleanupSchedule({
    schedule: { everyMs: 3_600_000, batchSize: 1000, onError: null, onRun: null },
    tryLock: databaseLock(gu.db, dialectQuirks(gu.dialect), gu.settings.tables, "cleanup"),
    deleteExpired: async (options) => {
      const result = await gu.deleteExpired(options);
      await new Promise((resolve) => setTimeout(resolve, Number(env("GU_HOLD_MS"))));
      return result;
    },
    logger: { warn() {}, error() {} },
  });
  await gu.stats(); // connected and warm before the start signal
  console.log("ready");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.pause();
  const tick = await runner.tick();
  console.log(
    JSON.stringify(
      tick.outcome === "failed" ? { outcome: "failed", error: String(tick.error) } : tick,
    ),
  );
  await runner.stop();
  await gu.close();
}
