/**
 * Benchmark of the admin's guest list (`guestUsers.listGuests()`, what `GET /admin/guests/`
 * runs) at a million guests: the first page, a deep keyset page, username prefix searches and
 * each filter, on SQLite and PostgreSQL. Target: under 50 ms each.
 *
 * It makes an isolated database (a temp-dir SQLite file, or a throw-away `gu_bench_<random>`
 * PostgreSQL database, dropped at the end), migrates it, and bulk-inserts N guests with
 * set-based SQL (not timed): UUID-like hex usernames (the default name generator's), creation
 * times spread over the last 60 days in whole minutes (so many guests share a `created_at`),
 * JSON data on one guest in ten, and 1,000 registered users. With `maxAge` 14 days about
 * three guests in four are expired. PostgreSQL's statistics are gathered (as autovacuum
 * would); SQLite's are not (the library never runs ANALYZE). Each query runs once cold, then 9 times; the table shows
 * the cold time and the median and slowest of the warm runs, in milliseconds.
 *
 * @example
 * ```sh
 * npx tsx bench/admin-list.ts                              # sqlite and postgres, N = 1000000
 * npx tsx bench/admin-list.ts --db sqlite --count 100000
 * ```
 * Options: `--db sqlite|postgres` (default both), `--count N` (default 1000000).
 * Server: `BENCH_POSTGRES_URL` (default postgres://postgres@127.0.0.1:5432/test), used as an
 * admin connection.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createGuestUsers, type GuestUsers, type ListGuestsOptions } from "../src/index.ts";

type Dialect = "sqlite" | "postgres";

const POSTGRES = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DAY = 86_400_000;
const REGISTERED = 1000;
const RUNS = 9;
const TARGET_MS = 50;

async function isolatedDatabase(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "guest-user-bench-"));
    return {
      url: `sqlite:${join(dir, "bench.sqlite3")}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `gu_bench_${randomBytes(6).toString("hex")}`;
  const { default: pg } = await import("pg");
  const admin = async (query: string) => {
    const client = new pg.Client({ connectionString: POSTGRES });
    await client.connect();
    await client.query(query).finally(() => client.end());
  };
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** `select n` for n = 1..count, set-based. */
function series(dialect: Dialect, count: number) {
  if (dialect === "postgres")
    return sql`select n from generate_series(1, ${sql.lit(count)}) as s(n)`;
  return sql`with recursive s(n) as (select 1 union all select n + 1 from s where n < ${sql.lit(count)})
    select n from s`;
}

/** Bulk-inserts `count` guests and REGISTERED registered users, set-based. */
async function seed(guestUsers: GuestUsers, dialect: Dialect, count: number, now: number) {
  const { db, settings } = guestUsers;
  const users = sql.table(settings.tables.users.table);
  const guests = sql.table(settings.tables.guests);
  const span = 60 * DAY;
  // Whole minutes: about a dozen guests share each created_at at N = 1,000,000.
  const createdAt = sql`(${sql.lit(now - span)} + ((n * ${sql.lit(span)} / ${sql.lit(count)}) / 60000) * 60000)`;
  const hex = dialect === "postgres" ? sql`md5(n::text)` : sql`lower(hex(randomblob(16)))`;
  const data = sql`case when n % 10 = 0 then '{"cart":["tea","milk"],"visits":' || n || '}' end`;
  await db.connection().execute(async (conn) => {
    if (dialect === "sqlite") await sql`pragma synchronous = off`.execute(conn);
    // ASCII lower-case names: each is its own folded key (username_key, migration 010).
    await sql`insert into ${users} (username, username_key, password, email, created_at)
      select h, h, null, null, ${createdAt}
      from (select ${hex} as h, n from (${series(dialect, count)}) as s0) as s`.execute(conn);
    await sql`insert into ${users} (username, username_key, password, email, created_at)
      select ${sql.lit("member_")} || n, ${sql.lit("member_")} || n, 'scrypt$placeholder', null,
        ${sql.lit(now - span)}
      from (${series(dialect, REGISTERED)}) as s`.execute(conn);
    const dataColumn = dialect === "postgres" ? sql`(${data})::jsonb` : data;
    await sql`insert into ${guests} (user_id, created_at, last_seen_at, data)
      select id, created_at, created_at, ${dataColumn}
      from (select id, created_at, id as n from ${users} where password is null) as u`.execute(
      conn,
    );
    // PostgreSQL's autovacuum would analyze the new rows soon; do it now. SQLite has no
    // statistics unless the app runs ANALYZE (or PRAGMA optimize): measured without.
    if (dialect === "postgres") await sql`analyze`.execute(conn);
    if (dialect === "sqlite") await sql`pragma synchronous = normal`.execute(conn);
  });
}

/** A cursor as the library encodes it, to start a page deep in the list without paging there. */
const cursorOf = (createdAt: number, id: number) =>
  Buffer.from(JSON.stringify([createdAt, id])).toString("base64url");

async function time(guestUsers: GuestUsers, options: ListGuestsOptions) {
  const runs: number[] = [];
  let rows = 0;
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    const page = await guestUsers.listGuests(options);
    runs.push(performance.now() - start);
    rows = page.guests.length;
  }
  const [cold = 0, ...warm] = runs;
  warm.sort((a, b) => a - b);
  return { cold, median: warm[Math.floor(warm.length / 2)] ?? 0, max: warm.at(-1) ?? 0, rows };
}

async function runOne(dialect: Dialect, count: number): Promise<string[][]> {
  const database = await isolatedDatabase(dialect);
  const guestUsers = createGuestUsers({ database: database.url, maxAge: 14 * 86_400 });
  try {
    await guestUsers.migrate();
    const started = performance.now();
    await seed(guestUsers, dialect, count, Date.now());
    console.log(
      `${dialect}: seeded ${count.toLocaleString("en-US")} guests and ${REGISTERED} registered users in ${((performance.now() - started) / 1000).toFixed(1)} s (not measured)`,
    );
    const { rows } = await sql<{ created_at: unknown; user_id: unknown }>`
      select created_at, user_id from ${sql.table(guestUsers.settings.tables.guests)}
      order by created_at desc, user_id desc limit 1 offset ${Math.floor(count / 2)}`.execute(
      guestUsers.db,
    );
    const middle = cursorOf(Number(rows[0]?.created_at), Number(rows[0]?.user_id));
    const cases: [string, ListGuestsOptions][] = [
      ["first page", {}],
      [`deep page (row ${Math.floor(count / 2).toLocaleString("en-US")})`, { after: middle }],
      ['prefix "a" (1/16)', { q: "a" }],
      ['prefix "ab" (1/256)', { q: "ab" }],
      ['prefix "abcd" (1/65536)', { q: "abcd" }],
      ['prefix "zz" (no match)', { q: "zz" }],
      ["filter active", { filter: "active" }],
      ["filter expired", { filter: "expired" }],
      ["filter expired, deep page", { filter: "expired", after: middle }],
      ['filter active + prefix "ab"', { filter: "active", q: "ab" }],
    ];
    const table: string[][] = [];
    for (const [name, options] of cases) {
      const result = await time(guestUsers, { limit: 50, ...options });
      const ok = result.median < TARGET_MS ? "yes" : "NO";
      table.push([
        dialect,
        name,
        String(result.rows),
        result.cold.toFixed(1),
        result.median.toFixed(1),
        result.max.toFixed(1),
        ok,
      ]);
    }
    return table;
  } finally {
    await guestUsers.close();
    await database.drop();
  }
}

async function main() {
  const { values } = parseArgs({
    options: { db: { type: "string" }, count: { type: "string", default: "1000000" } },
  });
  const count = Number(values.count.replaceAll("_", ""));
  if (!Number.isInteger(count) || count < 1000)
    throw new Error(`--count: expected a whole number of at least 1000, got ${values.count}`);
  const dialects: Dialect[] =
    values.db === undefined ? ["sqlite", "postgres"] : [values.db as Dialect];
  for (const dialect of dialects)
    if (dialect !== "sqlite" && dialect !== "postgres")
      throw new Error(`--db: expected sqlite or postgres, got ${dialect}`);
  const rows: string[][] = [];
  for (const dialect of dialects) rows.push(...(await runOne(dialect, count)));
  console.log(
    `\nguests: ${count.toLocaleString("en-US")}; page size 50; times in ms (cold, then median and slowest of ${RUNS} warm runs)\n`,
  );
  console.log("| database | query | rows | cold | median | slowest | < 50 ms |");
  console.log("|---|---|---:|---:|---:|---:|:-:|");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
