/**
 * Benchmark of `guestUsers.deleteExpired()`: time and memory to delete N expired guests.
 *
 * For each dialect it makes an isolated database (a temp-dir SQLite file; a throw-away
 * `gu_bench_<random>` database on PostgreSQL / MariaDB, dropped at the end), migrates it and
 * seeds, with set-based SQL (not timed): N guests created 30 days ago, plus 1,000 registered
 * users (old, password set, no guest row) and 1,000 fresh guests that must survive. Then it
 * times one `deleteExpired({ batchSize })`, sampling `process.memoryUsage()` every 10 ms and
 * after every batch, checks that exactly N users went and nobody else, and prints a Markdown
 * table. Exits 1 if a check fails.
 *
 * @example
 * ```sh
 * npx tsx bench/delete-expired.ts                      # sqlite + postgres, N = 100000
 * npm run bench:cleanup -- --dialect all --batch-size 5000
 * npx tsx bench/delete-expired.ts --dialect sqlite --count 10000,100000  # does memory grow with N?
 * ```
 * Options: `--count N[,N...]` (default 100000), `--batch-size B` (default 1000),
 * `--dialect sqlite|postgres|mysql|all` (default sqlite and postgres; may be comma-separated).
 * Servers: `BENCH_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/test) and
 * `BENCH_MYSQL_URL` (default mysql://root@127.0.0.1:3306/test), used as admin connections.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { type RawBuilder, sql } from "kysely";
import { createGuestUsers, type DialectName, type GuestUsers } from "../src/index.ts";

const SERVERS = {
  postgres: process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  mysql: process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
} as const;
const REGISTERED = 1000;
const FRESH = 1000;
const DAY = 86_400_000;
const MiB = 1024 * 1024;

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

/** Seeds N expired guests, REGISTERED old registered users and FRESH new guests. */
async function seed(guestUsers: GuestUsers, count: number, now: number): Promise<void> {
  const { db, dialect, settings } = guestUsers;
  const users = sql.table(settings.tables.users.table);
  const guests = sql.table(settings.tables.guests);
  await db.connection().execute(async (conn) => {
    // MariaDB stops recursive CTEs at 1000 iterations by default.
    if (dialect === "mysql")
      await sql`set session max_recursive_iterations = 4294967295`.execute(conn);
    const addUsers = (prefix: string, n: number, password: string | null, createdAt: number) =>
      sql`insert into ${users} (username, password, email, created_at)
        select concat(${sql.lit(prefix)}, n), ${password === null ? sql`null` : sql.lit(password)},
          null, ${sql.lit(createdAt)} - n
        from (${series(dialect, n)}) as s`.execute(conn);
    await addUsers("expired-", count, null, now - 30 * DAY);
    await addUsers("member-", REGISTERED, "scrypt$placeholder", now - 30 * DAY);
    await addUsers("fresh-", FRESH, null, now);
    await sql`insert into ${guests} (user_id, created_at, last_seen_at)
      select id, created_at, created_at from ${users} where password is null`.execute(conn);
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

/** One table row; also prints the details (seed time, batch times, event-loop stall). */
async function runOne(dialect: DialectName, count: number, batchSize: number): Promise<string[]> {
  const database = await isolatedDatabase(dialect);
  const guestUsers = createGuestUsers({ database: database.url });
  try {
    await guestUsers.migrate();
    const seedStart = performance.now();
    await seed(guestUsers, count, Date.now());
    const seedSeconds = ((performance.now() - seedStart) / 1000).toFixed(2);
    console.log(
      `${dialect}: seeded ${count} expired guests, ${REGISTERED} registered users and` +
        ` ${FRESH} fresh guests in ${seedSeconds} s (not measured)`,
    );

    gc();
    const base = process.memoryUsage();
    let [peakRss, peakHeap, ticks, stall] = [base.rss, base.heapUsed, 0, 0];
    const sample = () => {
      const { rss, heapUsed } = process.memoryUsage();
      peakRss = Math.max(peakRss, rss);
      peakHeap = Math.max(peakHeap, heapUsed);
    };
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
        batchSize,
        // Also sample per batch: better-sqlite3 is synchronous and may starve the timer.
        onProgress: () => {
          const now = performance.now();
          batchMs.push(now - lastBatch);
          lastBatch = now;
          sample();
        },
      })
      .finally(() => clearInterval(timer));
    const end = performance.now();
    sample();
    stall = Math.max(stall, end - lastTick);
    gc();
    const retained = (process.memoryUsage().heapUsed - base.heapUsed) / MiB;
    const mean = (list: number[]) => (list.reduce((a, b) => a + b, 0) / list.length).toFixed(1);
    console.log(
      `${dialect}: ${batchMs.length} batches, mean ms of first 5 ${mean(batchMs.slice(0, 5))},` +
        ` of last 5 ${mean(batchMs.slice(-5))}, slowest ${Math.max(...batchMs).toFixed(1)};` +
        ` 10 ms timer fired ${ticks}x, longest event-loop stall ${stall.toFixed(0)} ms;` +
        ` RSS before ${(base.rss / MiB).toFixed(1)} MiB; heap retained after GC ${retained.toFixed(2)} MiB`,
    );

    const failures: string[] = [];
    if (result.deleted !== count || result.expired !== count)
      failures.push(`deleted ${result.deleted} of ${result.expired} expired, expected ${count}`);
    const expected = { "expired-": [0, 0], "member-": [REGISTERED, 0], "fresh-": [FRESH, FRESH] };
    for (const [prefix, [users, guests]] of Object.entries(expected)) {
      const found = await census(guestUsers, prefix);
      if (found.users !== users || found.guests !== guests)
        failures.push(
          `${prefix}*: ${found.users} users, ${found.guests} guests;` +
            ` expected ${users}, ${guests}`,
        );
    }
    if (failures.length > 0) throw new Error(`${dialect}, N = ${count}: ${failures.join("; ")}`);

    const seconds = (end - start) / 1000;
    return [
      dialect === "mysql" ? "mariadb/mysql" : dialect,
      result.deleted.toLocaleString("en-US"),
      batchSize.toLocaleString("en-US"),
      seconds.toFixed(2),
      Math.round(result.deleted / seconds).toLocaleString("en-US"),
      (peakRss / MiB).toFixed(1),
      ((peakHeap - base.heapUsed) / MiB).toFixed(1),
    ];
  } finally {
    await guestUsers.close();
    await database.drop();
  }
}

function options() {
  const { values } = parseArgs({
    options: {
      count: { type: "string", default: "100000" },
      "batch-size": { type: "string", default: "1000" },
      dialect: { type: "string", default: "sqlite,postgres" },
    },
  });
  const integer = (name: string, text: string) => {
    const value = Number(text.replaceAll("_", ""));
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name}: expected a positive integer, got ${text}`);
    return value;
  };
  const counts = values.count.split(",").map((text) => integer("count", text));
  const batchSize = integer("batch-size", values["batch-size"]);
  const all: DialectName[] = ["sqlite", "postgres", "mysql"];
  const dialects =
    values.dialect === "all"
      ? all
      : values.dialect.split(",").map((name) => {
          const dialect = name === "mariadb" ? "mysql" : name;
          if (!all.includes(dialect as DialectName)) throw new Error(`--dialect: unknown ${name}`);
          return dialect as DialectName;
        });
  return { counts, batchSize, dialects };
}

async function main() {
  const { counts, batchSize, dialects } = options();
  const rows: string[][] = [];
  for (const dialect of dialects)
    for (const count of counts) rows.push(await runOne(dialect, count, batchSize));
  console.log(
    "\n| dialect | guests deleted | batch size | time (s) | deletes/s | peak RSS (MiB) |" +
      " peak heap growth (MiB) |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const cells of rows) console.log(`| ${cells.join(" | ")} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
