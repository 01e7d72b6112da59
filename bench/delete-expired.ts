/**
 * Benchmark of `guestUsers.deleteExpired()`: time, memory and event-loop stalls while deleting
 * N expired guests, against issue 10's targets (1,000,000 guests in under 3 s on SQLite and
 * under 5 s on PostgreSQL on 2 cores, memory constant, no event-loop stall over 20 ms).
 *
 * For each dialect it makes an isolated database (a temp-dir SQLite file; a throw-away
 * `gu_bench_<random>` database on PostgreSQL / MariaDB, dropped at the end), migrates it and
 * seeds, with set-based SQL (not timed): N guests created 30 days ago, plus 1,000 registered
 * users (old, password set, no guest row) and 1,000 fresh guests that must survive (with
 * `--kept K`, K of the N old guests also own a row of an app table `bench_notes`, and the
 * retention rule `keepIf` keeps them: they must survive too). Then it times one
 * `deleteExpired()`, sampling `process.memoryUsage()` every 10 ms and after every batch, and
 * measures the event loop as a server running the clean-up in-process would feel it: the
 * longest gap between two ticks of a 10 ms interval timer (so a gap includes up to 10 ms of
 * the timer's own period; "stall" below). It checks that exactly the expected users went
 * and nobody else, and prints a Markdown table with PASS/MISS against the targets (the time
 * target scales with N: 3 s and 5 s per 1,000,000). Exits 1 if a check fails.
 *
 * @example
 * ```sh
 * npm run bench:cleanup -- --count 1000000             # sqlite + postgres, the issue's run
 * npx tsx bench/delete-expired.ts --dialect all --batch-size 5000
 * npx tsx bench/delete-expired.ts --dialect sqlite --count 10000,100000  # does memory grow with N?
 * npx tsx bench/delete-expired.ts --count 1000000 --kept 100000          # with a retention rule
 * ```
 * Options: `--count N[,N...]` (default 100000), `--batch-size B` (default: the library's own
 * default), `--dialect sqlite|postgres|mysql|all` (default sqlite and postgres; may be
 * comma-separated; `mariadb` is `mysql`), `--kept K` (default 0).
 * Servers: `BENCH_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/test) and
 * `BENCH_MYSQL_URL` (default mysql://root@127.0.0.1:3306/test), used as admin connections.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type RawBuilder, sql } from "kysely";
import {
  createGuestUsers,
  type DialectName,
  type GuestUsers,
  type GuestUsersOptions,
} from "../src/index.ts";

const SERVERS = {
  postgres: process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  mysql: process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
} as const;
const REGISTERED = 1000;
const FRESH = 1000;
const DAY = 86_400_000;
const MiB = 1024 * 1024;
/** Issue 10's targets: seconds per 1,000,000 guests (none on MariaDB), longest stall in ms. */
const SECONDS_PER_MILLION: Record<DialectName, number | null> = {
  sqlite: 3,
  postgres: 5,
  mysql: null,
};
const MAX_STALL_MS = 20;
const NAMES: Record<DialectName, string> = {
  sqlite: "SQLite",
  postgres: "PostgreSQL",
  mysql: "MariaDB/MySQL",
};

// A GC before the baseline makes "heap growth" mean something; works without --expose-gc.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function withPath(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh database nothing else uses, as in test/support/databases.ts. */
async function isolatedDatabase(
  dialect: DialectName,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gu_bench_${randomBytes(6).toString("hex")}`;
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "guest-user-bench-"));
    const drop = async () => rmSync(dir, { recursive: true, force: true });
    return { url: `sqlite:${join(dir, "bench.sqlite3")}`, drop };
  }
  if (dialect === "postgres") {
    const { default: pg } = await import("pg");
    const admin = async (query: string) => {
      const client = new pg.Client({ connectionString: SERVERS.postgres });
      await client.connect();
      await client.query(query).finally(() => client.end());
    };
    await admin(`create database ${name}`);
    const drop = () => admin(`drop database if exists ${name} with (force)`);
    return { url: withPath(SERVERS.postgres, name), drop };
  }
  const mysql = await import("mysql2/promise");
  const admin = async (query: string) => {
    const client = await mysql.createConnection(SERVERS.mysql);
    await client.query(query).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const drop = () => admin(`drop database if exists ${name}`);
  return { url: withPath(SERVERS.mysql, name), drop };
}

/** `select n` for n = 1..count, set-based. */
function series(dialect: DialectName, count: number): RawBuilder<unknown> {
  if (dialect === "postgres")
    return sql`select n from generate_series(1, ${sql.lit(count)}) as s(n)`;
  return sql`with recursive s(n) as (select 1 union all select n + 1 from s where n < ${sql.lit(count)})
    select n from s`;
}

/** The app table that keeps a guest under `--kept` (ON DELETE CASCADE, as an app's would be). */
const NOTES = "bench_notes";
const keepIf: NonNullable<NonNullable<GuestUsersOptions["retention"]>["keepIf"]> = (userId) =>
  sql`exists (select 1 from ${sql.table(NOTES)} where ${sql.ref(`${NOTES}.user_id`)} = ${userId})`;

/**
 * Seeds N expired guests (the first `kept` of them, by username, own a note), REGISTERED old
 * registered users and FRESH new guests.
 */
async function seed(guestUsers: GuestUsers, count: number, kept: number, now: number) {
  const { db, dialect, settings } = guestUsers;
  const users = sql.table(settings.tables.users.table);
  const guests = sql.table(settings.tables.guests);
  const idType = dialect === "sqlite" ? sql`integer` : sql`bigint`;
  await sql`create table ${sql.table(NOTES)} (user_id ${idType} not null primary key,
    foreign key (user_id) references ${users}(id) on delete cascade)`.execute(db);
  await db.connection().execute(async (conn) => {
    // MariaDB stops recursive CTEs at 1000 iterations by default.
    if (dialect === "mysql")
      await sql`set session max_recursive_iterations = 4294967295`.execute(conn);
    const addUsers = (prefix: string, n: number, password: string | null, createdAt: number) =>
      // ASCII lower-case names: each is its own folded key (username_key, migration 010).
      sql`insert into ${users} (username, username_key, password, email, created_at)
        select concat(${sql.lit(prefix)}, n), concat(${sql.lit(prefix)}, n),
          ${password === null ? sql`null` : sql.lit(password)}, null, ${sql.lit(createdAt)} - n
        from (${series(dialect, n)}) as s`.execute(conn);
    await addUsers("expired-", count, null, now - 30 * DAY);
    await addUsers("member-", REGISTERED, "scrypt$placeholder", now - 30 * DAY);
    await addUsers("fresh-", FRESH, null, now);
    await sql`insert into ${guests} (user_id, created_at, last_seen_at)
      select id, created_at, created_at from ${users} where password is null`.execute(conn);
    if (kept > 0)
      await sql`insert into ${sql.table(NOTES)} (user_id)
        select id from ${users} where username like 'expired-%' order by id limit ${sql.lit(kept)}`.execute(
        conn,
      );
    if (dialect === "postgres") await sql`analyze`.execute(conn);
  });
}

/** Counts users whose username starts with `prefix`, and of those, how many are guests. */
async function census(guestUsers: GuestUsers, prefix: string) {
  const { db, settings } = guestUsers;
  const { rows } = await sql<{ users: unknown; guests: unknown }>`
    select count(*) as users, count(g.user_id) as guests
    from ${sql.table(settings.tables.users.table)} u
    left join ${sql.table(settings.tables.guests)} g on g.user_id = u.id
    where u.username like ${`${prefix}%`}`.execute(db);
  return { users: Number(rows[0]?.users), guests: Number(rows[0]?.guests) };
}

/** What one run measured. */
interface Measured {
  readonly seconds: number;
  readonly deleted: number;
  readonly peakRss: number;
  readonly heapGrowth: number;
  readonly stall: number;
}

/** One `deleteExpired()` under the memory sampler and the event-loop timer. */
async function measure(guestUsers: GuestUsers, batchSize: number | undefined) {
  gc();
  const base = process.memoryUsage();
  let [peakRss, peakHeap, ticks, stall] = [base.rss, base.heapUsed, 0, 0];
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now();
  let [lastTick, lastBatch] = [start, start];
  const timer = setInterval(() => {
    const now = performance.now();
    [stall, lastTick] = [Math.max(stall, now - lastTick), now];
    ticks++;
    sample();
  }, 10);
  const batchMs: number[] = [];
  const result = await guestUsers
    .deleteExpired({
      ...(batchSize === undefined ? {} : { batchSize }),
      // Also sample per batch: better-sqlite3 is synchronous and may starve the timer.
      onProgress: () => {
        const now = performance.now();
        batchMs.push(now - lastBatch);
        lastBatch = now;
        sample();
      },
    })
    .finally(() => {
      clearInterval(timer);
      delay.disable();
    });
  const end = performance.now();
  sample();
  stall = Math.max(stall, end - lastTick);
  gc();
  const retained = (process.memoryUsage().heapUsed - base.heapUsed) / MiB;
  const mean = (list: number[]) => (list.reduce((a, b) => a + b, 0) / list.length).toFixed(1);
  console.log(
    `  ${batchMs.length} batches, mean ms of first 5 ${mean(batchMs.slice(0, 5))},` +
      ` of last 5 ${mean(batchMs.slice(-5))}, slowest ${Math.max(...batchMs).toFixed(1)};` +
      ` 10 ms timer fired ${ticks}x, longest gap ${stall.toFixed(0)} ms, event-loop delay` +
      ` max ${(delay.max / 1e6).toFixed(1)} ms p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms;` +
      ` RSS before ${(base.rss / MiB).toFixed(1)} MiB; heap retained after GC ${retained.toFixed(2)} MiB`,
  );
  const measured: Measured = {
    seconds: (end - start) / 1000,
    deleted: result.deleted,
    peakRss: peakRss / MiB,
    heapGrowth: (peakHeap - base.heapUsed) / MiB,
    stall,
  };
  return { result, measured };
}

/** One table row. */
async function runOne(
  dialect: DialectName,
  count: number,
  kept: number,
  batchSize: number | undefined,
): Promise<string[]> {
  const database = await isolatedDatabase(dialect);
  const guestUsers = createGuestUsers({
    database: database.url,
    ...(kept > 0 ? { retention: { keepIf } } : {}),
  });
  try {
    await guestUsers.migrate();
    const seedStart = performance.now();
    await seed(guestUsers, count, kept, Date.now());
    const seedSeconds = ((performance.now() - seedStart) / 1000).toFixed(2);
    console.log(
      `${NAMES[dialect]}: seeded ${count} old guests (${kept} kept by keepIf), ${REGISTERED}` +
        ` registered users and ${FRESH} fresh guests in ${seedSeconds} s (not measured)`,
    );
    const { result, measured } = await measure(guestUsers, batchSize);

    const expired = count - kept;
    const failures: string[] = [];
    if (result.deleted !== expired || result.expired !== expired)
      failures.push(`deleted ${result.deleted} of ${result.expired} expired, expected ${expired}`);
    const expected = {
      "expired-": [kept, kept],
      "member-": [REGISTERED, 0],
      "fresh-": [FRESH, FRESH],
    };
    for (const [prefix, [users, guests]] of Object.entries(expected)) {
      const found = await census(guestUsers, prefix);
      if (found.users !== users || found.guests !== guests)
        failures.push(
          `${prefix}*: ${found.users} users, ${found.guests} guests;` +
            ` expected ${users}, ${guests}`,
        );
    }
    if (failures.length > 0) throw new Error(`${dialect}, N = ${count}: ${failures.join("; ")}`);
    return row(dialect, count, kept, batchSize, measured);
  } finally {
    await guestUsers.close();
    await database.drop();
  }
}

/** The table row of a run, with PASS/MISS against the targets. */
function row(
  dialect: DialectName,
  count: number,
  kept: number,
  batchSize: number | undefined,
  m: Measured,
): string[] {
  const perMillion = SECONDS_PER_MILLION[dialect];
  const target = perMillion === null ? null : (perMillion * count) / 1_000_000;
  const timeOk = target === null || m.seconds < target;
  const stallOk = m.stall <= MAX_STALL_MS;
  return [
    NAMES[dialect],
    count.toLocaleString("en-US") + (kept > 0 ? ` (${kept.toLocaleString("en-US")} kept)` : ""),
    batchSize === undefined ? "default" : batchSize.toLocaleString("en-US"),
    m.seconds.toFixed(2),
    target === null ? "-" : `< ${target.toFixed(target < 1 ? 2 : 0)}`,
    Math.round(m.deleted / m.seconds).toLocaleString("en-US"),
    m.peakRss.toFixed(1),
    m.heapGrowth.toFixed(1),
    m.stall.toFixed(0),
    `<= ${MAX_STALL_MS}`,
    timeOk && stallOk
      ? "PASS"
      : `MISS (${[timeOk ? "" : "time", stallOk ? "" : "stall"].filter(Boolean).join(", ")})`,
  ];
}

function options() {
  const { values } = parseArgs({
    options: {
      count: { type: "string", default: "100000" },
      "batch-size": { type: "string" },
      dialect: { type: "string", default: "sqlite,postgres" },
      kept: { type: "string", default: "0" },
    },
  });
  const integer = (name: string, text: string, min = 1) => {
    const value = Number(text.replaceAll("_", ""));
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name}: expected an integer >= ${min}, got ${text}`);
    return value;
  };
  const counts = values.count.split(",").map((text) => integer("count", text));
  const batchText = values["batch-size"];
  const batchSize = batchText === undefined ? undefined : integer("batch-size", batchText);
  const kept = integer("kept", values.kept, 0);
  if (counts.some((count) => kept > count)) throw new Error("--kept: more than --count");
  const all: DialectName[] = ["sqlite", "postgres", "mysql"];
  const dialects =
    values.dialect === "all"
      ? all
      : values.dialect.split(",").map((name) => {
          const dialect = name === "mariadb" ? "mysql" : name;
          if (!all.includes(dialect as DialectName)) throw new Error(`--dialect: unknown ${name}`);
          return dialect as DialectName;
        });
  return { counts, batchSize, dialects, kept };
}

async function main() {
  const { counts, batchSize, dialects, kept } = options();
  const rows: string[][] = [];
  for (const dialect of dialects)
    for (const count of counts) rows.push(await runOne(dialect, count, kept, batchSize));
  console.log(
    "\n| database | guests | batch size | time (s) | target (s) | deletes/s | peak RSS (MiB) |" +
      " peak heap growth (MiB) | longest stall (ms) | target (ms) | verdict |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  for (const cells of rows) console.log(`| ${cells.join(" | ")} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
