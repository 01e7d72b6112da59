/**
 * The bench's databases: an isolated one per run (a temp-dir SQLite file; a throw-away
 * `gu_bench_<random>` database on PostgreSQL / MariaDB, dropped at the end), seeded with
 * set-based SQL (not timed), and the census that checks who survived.
 */
import { type RawBuilder, sql } from "kysely";
import type { DialectName, GuestUsers, GuestUsersOptions } from "../../src/index.ts";
import { isolatedDatabase as isolatedBenchDatabase } from "../http/databases.ts";

/** Old registered users (password set, no guest row): must survive. */
export const REGISTERED = 1000;
/** Guests created now: must survive. */
export const FRESH = 1000;
const DAY = 86_400_000;

/** A database nothing else uses. */
export interface IsolatedDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A fresh database nothing else uses: the HTTP bench's (a temp-dir SQLite file, or
 * `gu_bench_<random>` from the admin connections `BENCH_POSTGRES_URL` / `BENCH_MYSQL_URL`).
 */
export const isolatedDatabase = (dialect: DialectName): Promise<IsolatedDatabase> =>
  isolatedBenchDatabase(dialect === "mysql" ? "mariadb" : dialect);

/** `select n` for n = 1..count, set-based. */
function series(dialect: DialectName, count: number): RawBuilder<unknown> {
  if (dialect === "postgres")
    return sql`select n from generate_series(1, ${sql.lit(count)}) as s(n)`;
  return sql`with recursive s(n) as (select 1 union all select n + 1 from s where n < ${sql.lit(count)})
    select n from s`;
}

/** The app table that keeps a guest under `--kept` (ON DELETE CASCADE, as an app's would be). */
const NOTES = "bench_notes";

/** The retention rule of `--kept`: a guest that owns a note is kept. */
export const keepIf: NonNullable<NonNullable<GuestUsersOptions["retention"]>["keepIf"]> = (
  userId,
) =>
  sql`exists (select 1 from ${sql.table(NOTES)} where ${sql.ref(`${NOTES}.user_id`)} = ${userId})`;

/**
 * Seeds N expired guests (the first `kept` of them, by username, own a note), REGISTERED old
 * registered users and FRESH new guests.
 */
export async function seed(guestUsers: GuestUsers, count: number, kept: number, now: number) {
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

/**
 * What is wrong with the survivors after a clean-up of `count` seeded guests of which `kept`
 * are kept: exactly the kept old guests, every registered user and every fresh guest must be
 * left (an empty list when so).
 */
export async function survivorFailures(guestUsers: GuestUsers, kept: number): Promise<string[]> {
  const expected = {
    "expired-": [kept, kept],
    "member-": [REGISTERED, 0],
    "fresh-": [FRESH, FRESH],
  };
  const failures: string[] = [];
  for (const [prefix, [users, guests]] of Object.entries(expected)) {
    const found = await census(guestUsers, prefix);
    if (found.users !== users || found.guests !== guests)
      failures.push(
        `${prefix}*: ${found.users} users, ${found.guests} guests; expected ${users}, ${guests}`,
      );
  }
  // The cascades ran: no guest row and no app row is left without its user.
  const { db, settings } = guestUsers;
  const users = sql.table(settings.tables.users.table);
  for (const table of [settings.tables.guests, NOTES]) {
    const { rows } = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table)} t
      where not exists (select 1 from ${users} u where u.id = t.user_id)`.execute(db);
    if (Number(rows[0]?.n) !== 0)
      failures.push(`${table}: ${Number(rows[0]?.n)} rows without a user`);
  }
  const { rows } = await sql<{
    n: unknown;
  }>`select count(*) as n from ${sql.table(settings.tables.guests)}`.execute(db);
  if (Number(rows[0]?.n) !== kept + FRESH)
    failures.push(
      `${settings.tables.guests}: ${Number(rows[0]?.n)} rows, expected ${kept + FRESH}`,
    );
  return failures;
}
