/**
 * Benchmark of `guestUsers.deleteExpired()` against its floor (issue 21): for each database it
 * measures, in ONE run, ours and the floor (the very statements ours runs, captured from the
 * library and checked in a warm-up, see warmup.ts, at the same batch sizes, on the bare
 * driver: better-sqlite3, pg, mysql2), each on its own isolated database seeded alike (not
 * timed): N guests created 30 days ago, 1,000 registered users and 1,000 fresh guests that must
 * survive (with `--kept K`, K of the N own a row of an app table and the `keepIf` rule keeps
 * them). Both are checked to have deleted exactly the expired guests and nobody else. Prints
 * PASS/MISS per row: ours/floor <= 1.15, longest event-loop stall <= 20 ms, peak heap growth
 * < 32 MiB (see report.ts); exits 1 if a check fails.
 *
 * @example
 * ```sh
 * npm run bench:cleanup -- --count 1000000                  # SQLite, PostgreSQL, MariaDB
 * npm run bench:cleanup -- --dialect sqlite --count 10000,100000 --runs 3
 * npm run bench:cleanup -- --count 1000000 --kept 100000    # with a retention rule
 * ```
 * Options: see args.ts. Servers: `BENCH_POSTGRES_URL`, `BENCH_MYSQL_URL` (databases.ts).
 */
import { loadavg } from "node:os";
import { sql } from "kysely";
import { createGuestUsers, type DialectName, type GuestUsers } from "../../src/index.ts";
import { parseBenchArgs } from "./args.ts";
import { recordLimits } from "./capture.ts";
import {
  FRESH,
  isolatedDatabase,
  keepIf,
  REGISTERED,
  seed,
  survivorFailures,
} from "./databases.ts";
import { prepareFloor } from "./floor.ts";
import { type Measured, measure } from "./measure.ts";
import type { FloorPlan } from "./plan.ts";
import { allPass, type Compared, median, table } from "./report.ts";
import { warmUp } from "./warmup.ts";

/**
 * A migrated, seeded, isolated database; `run` gets a guestUsers whose connection was opened
 * after the seeding (so ours, like the floor, starts on a new connection: same cold caches),
 * then the database is dropped.
 */
async function onSeeded<T>(
  dialect: DialectName,
  count: number,
  kept: number,
  run: (guestUsers: GuestUsers, url: string) => Promise<T>,
): Promise<T> {
  const database = await isolatedDatabase(dialect);
  const open = () =>
    createGuestUsers({ database: database.url, ...(kept > 0 ? { retention: { keepIf } } : {}) });
  try {
    const seeding = open();
    try {
      await seeding.migrate();
      const started = performance.now();
      await seed(seeding, count, kept, Date.now());
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`  (seeded in ${seconds} s, not measured)`);
    } finally {
      await seeding.close();
    }
    const guestUsers = open();
    try {
      await sql`select 1`.execute(guestUsers.db);
      return await run(guestUsers, database.url);
    } finally {
      await guestUsers.close();
    }
  } finally {
    await database.drop();
  }
}

/** Throws unless exactly the `count - kept` expired guests went, and nobody else. */
async function check(
  who: string,
  guestUsers: GuestUsers,
  count: number,
  kept: number,
  deleted: number,
) {
  const failures = await survivorFailures(guestUsers, kept);
  if (deleted !== count - kept) failures.unshift(`deleted ${deleted}, expected ${count - kept}`);
  if (failures.length > 0)
    throw new Error(`${who} (${guestUsers.dialect}, N = ${count}): ${failures.join("; ")}`);
}

/** One measure of ours; on SQLite also the LIMIT of each of its batches (for the floor). */
async function runOurs(
  plan: FloorPlan,
  count: number,
  kept: number,
  batchSize: number | undefined,
) {
  return onSeeded(plan.dialect, count, kept, async (guestUsers) => {
    const recorder = plan.dialect === "sqlite" ? await recordLimits(plan.first) : null;
    let expired = -1;
    const measured = await measure(async (batchDone) => {
      const result = await guestUsers.deleteExpired({
        ...(batchSize === undefined ? {} : { batchSize }),
        onProgress: batchDone,
      });
      expired = result.expired;
      return result.deleted;
    }).finally(() => recorder?.undo());
    if (expired !== count - kept)
      throw new Error(`ours counted ${expired} expired, expected ${count - kept}`);
    await check("ours", guestUsers, count, kept, measured.deleted);
    return { measured, limits: recorder?.limits ?? [] };
  });
}

/** One measure of the floor, by ours' batch sizes (`limits`, SQLite's) or, if none, `fixed`. */
async function runFloor(
  plan: FloorPlan,
  count: number,
  kept: number,
  limits: readonly number[],
  fixed: number,
) {
  return onSeeded(plan.dialect, count, kept, async (guestUsers, url) => {
    const { settings } = guestUsers;
    const recorder = plan.dialect === "sqlite" ? await recordLimits(plan.first) : null;
    const floor = await prepareFloor(plan, {
      url,
      clock: settings.clock,
      cutoff: settings.clock() - settings.retention.maxAge * 1000,
      limit: (i) => (limits.length === 0 ? fixed : (limits[i] ?? (limits.at(-1) as number))),
    });
    const measured = await measure((batchDone) => floor.cleanup(batchDone)).finally(async () => {
      recorder?.undo();
      await floor.close();
    });
    await check("floor", guestUsers, count, kept, measured.deleted);
    if (recorder && limits.length > 0 && recorder.limits.join() !== limits.join())
      throw new Error("floor: its SQLite batch sizes differ from ours'");
    return measured;
  });
}

/** The medians of each field of `runs`, the `detail` of the median-time run. */
function medianOf(runs: readonly Measured[]): Measured {
  const of = (key: Exclude<keyof Measured, "detail">) => median(runs.map((m) => m[key]));
  const seconds = of("seconds");
  const middle = runs.reduce((a, b) =>
    Math.abs(b.seconds - seconds) < Math.abs(a.seconds - seconds) ? b : a,
  );
  return {
    seconds,
    cpuSeconds: of("cpuSeconds"),
    deleted: of("deleted"),
    peakRss: of("peakRss"),
    heapGrowth: of("heapGrowth"),
    retained: of("retained"),
    stall: of("stall"),
    detail: middle.detail,
  };
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function main() {
  const { counts, batchSize, dialects, kept, runs } = parseBenchArgs(process.argv.slice(2));
  const rows: Compared[] = [];
  console.log(`load average at start: ${load()}`);
  for (const dialect of dialects) {
    const { plan, firstLimit } = await warmUp(dialect, batchSize, kept);
    for (const count of counts) {
      const [ours, floor]: [Measured[], Measured[]] = [[], []];
      console.log(
        `${dialect}: N = ${count} (${kept} kept by keepIf), ${REGISTERED} registered users and` +
          ` ${FRESH} fresh guests on each side; ${runs} run(s)`,
      );
      // Fixed batch sizes: every other run measures the floor first (no bias for the first
      // place). SQLite's time-budgeted sizes are ours' to replay: ours always goes first.
      const alternate = dialect !== "sqlite" || batchSize !== undefined;
      for (let run = 0; run < runs; run++) {
        const floorFirst = alternate && run % 2 === 1;
        const runFloorNow = async (limits: readonly number[]) => {
          const theirs = await runFloor(plan, count, kept, limits, batchSize ?? firstLimit);
          console.log(`  floor: ${theirs.seconds.toFixed(2)} s; ${theirs.detail}`);
          floor.push(theirs);
        };
        if (floorFirst) await runFloorNow([]);
        const mine = await runOurs(plan, count, kept, batchSize);
        console.log(`  ours:  ${mine.measured.seconds.toFixed(2)} s; ${mine.measured.detail}`);
        ours.push(mine.measured);
        if (!floorFirst) await runFloorNow(mine.limits);
      }
      const paired = (key: "seconds" | "cpuSeconds") =>
        median(ours.map((m, i) => m[key] / (floor[i] as Measured)[key]));
      rows.push({
        dialect,
        count,
        kept,
        batchSize,
        runs,
        ours: medianOf(ours),
        floor: medianOf(floor),
        ratio: paired("seconds"),
        cpuRatio: paired("cpuSeconds"),
      });
    }
  }
  console.log(`load average at end: ${load()}`);
  console.log(`\n${table(rows)}`);
  console.log(
    "\nfloor: the statements ours ran in the warm-up (same texts, parameters and driver calls," +
      " checked), same batch sizes and transactions, on the bare driver; not the count ours runs first.",
  );
  if (!allPass(rows)) console.log("Some targets were missed (MISS above).");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
