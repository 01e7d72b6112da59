import { type Kysely, type Migration, type RawBuilder, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";
import { USERNAME_KEY_COLUMN, usernameKey, usernameKeyLength } from "../username-case.ts";

/** Rows whose key JavaScript computes per round trip of the back-fill. */
const BATCH = 1000;

/**
 * Usernames compared with full Unicode case folding, enforced by the database, for the
 * built-in users table (an app's own table is left alone; see `UsersTableOptions`): a
 * `username_key` column holding each name's `usernameKey` (NFKC, folded: `straße` and
 * `STRASSE` both `strasse`), under a unique index that every lookup, the "taken" check and the
 * admin search use, written with every username. Databases fold differently (SQLite's
 * `lower()` ASCII only, PostgreSQL's `lower()` not `ß`, MariaDB's collations accents too): the
 * key is computed in JavaScript and compared in code point order (SQLite BINARY, PostgreSQL
 * `collate "C"`, MySQL/MariaDB `utf8mb4_bin`), so all three agree.
 *
 * Existing names are back-filled (ASCII ones by one UPDATE, the others in batches of
 * {@link BATCH}). It replaces the username index each database had, so a new user still
 * writes one: `lower(username)` (migration 002) and PostgreSQL's admin prefix index
 * (migration 005), MySQL/MariaDB's unique index on the case-insensitive column (which also
 * took `José` for `Jose`: no longer, as on the other databases). The column is NOT NULL on
 * PostgreSQL and MySQL/MariaDB; SQLite cannot add that to an existing table.
 *
 * Fails, naming them, when names that fold to the same key already exist (`Straße` and
 * `STRASSE`): rename all but one of each, then migrate again.
 */
export function usernameFoldMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const { users } = tables;
  const table = sql.table(users.table);
  const username = sql.ref(users.username);
  const key = sql.ref(USERNAME_KEY_COLUMN);
  const keyIndex = `${users.table}_username_key_idx`;
  const lowerIndex = `${users.table}_username_lower_idx`;
  const prefixIndex = `${users.table}_username_prefix_idx`;
  const length = usernameKeyLength(users.usernameMaxLength);
  const keyType: RawBuilder<unknown> =
    quirks.name === "postgres"
      ? sql`varchar(${sql.lit(length)}) collate "C"`
      : quirks.name === "mysql"
        ? sql`varchar(${sql.lit(length)}) character set utf8mb4 collate utf8mb4_bin`
        : sql`varchar(${sql.lit(length)})`;
  const dropIndex = (db: Kysely<unknown>, name: string) => {
    const drop = db.schema.dropIndex(name).ifExists();
    return (quirks.name === "mysql" ? drop.on(users.table) : drop).execute();
  };
  const ascii =
    quirks.name === "sqlite"
      ? sql`length(cast(${username} as blob)) = length(${username})`
      : quirks.name === "postgres"
        ? sql`octet_length(${username}) = char_length(${username})`
        : sql`length(${username}) = char_length(${username})`;

  // ASCII letters only, whatever the locale or collation (a Turkish one lowers I to ı).
  const asciiLower =
    quirks.name === "postgres"
      ? sql`lower(${username} collate "C")`
      : quirks.name === "mysql"
        ? sql`lower(convert(${username} using ascii))`
        : sql`lower(${username})`;

  /** Fills every missing key: ASCII names in the database, the others in JavaScript. */
  const backfill = async (db: Kysely<unknown>) => {
    await sql`update ${table} set ${key} = ${asciiLower} where ${key} is null and ${ascii}`.execute(
      db,
    );
    const id = sql.ref(users.id);
    for (let after: unknown = null; ; ) {
      const { rows } = await sql<{ id: unknown; name: string }>`
        select ${id} as id, ${username} as name from ${table}
        where ${key} is null ${after === null ? sql`` : sql`and ${id} > ${after}`}
        order by ${id} limit ${BATCH}`.execute(db);
      if (rows.length === 0) return;
      const cases = rows.map((row) => sql`when ${row.id} then ${usernameKey(row.name)}`);
      await sql`update ${table} set ${key} = case ${id} ${sql.join(cases, sql` `)} end
        where ${id} in (${sql.join(rows.map((row) => row.id))})`.execute(db);
      after = rows.at(-1)?.id;
    }
  };

  /** MySQL/MariaDB: the unique index on the username column alone (001's `unique()`). */
  const mysqlUsernameIndexes = async (db: Kysely<unknown>) => {
    const { rows } = await sql<{ name: string }>`
      select index_name as name from information_schema.statistics
      where table_schema = database() and table_name = ${users.table} and non_unique = 0
        and index_name <> 'PRIMARY'
      group by index_name having count(*) = 1 and max(column_name) = ${users.username}`.execute(db);
    return rows.map((row) => row.name);
  };

  /**
   * True when the key column is there already: a run that failed (names alike) on SQLite or
   * MySQL/MariaDB, whose migrations are not one transaction, left it.
   */
  const keyColumnExists = async (db: Kysely<unknown>) => {
    if (quirks.name === "postgres") return false; // transactional DDL: nothing was left
    const { rows } =
      quirks.name === "sqlite"
        ? await sql<{ n: unknown }>`select count(*) as n from pragma_table_info(${users.table})
            where name = ${USERNAME_KEY_COLUMN}`.execute(db)
        : await sql<{ n: unknown }>`select count(*) as n from information_schema.columns
            where table_schema = database() and table_name = ${users.table}
              and column_name = ${USERNAME_KEY_COLUMN}`.execute(db);
    return Number(rows[0]?.n) > 0;
  };

  return {
    async up(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      if (await keyColumnExists(db)) {
        // Left by a run that failed: its keys may be stale (names renamed since).
        await sql`update ${table} set ${key} = null`.execute(db);
      } else {
        await sql`alter table ${table} add column ${key} ${keyType}`.execute(db);
      }
      await backfill(db);
      const { rows } = await sql<{ name: string }>`
        select min(${username}) as name from ${table}
        group by ${key} having count(*) > 1 limit 5`.execute(db);
      if (rows.length > 0) {
        const names = rows.map((row) => JSON.stringify(row.name)).join(", ");
        throw new Error(
          `usernames that are the same with full case folding exist (${names}..., e.g. "Straße" and "STRASSE"): rename all but one of each in ${users.table}, then migrate again`,
        );
      }
      if (quirks.name === "postgres")
        await sql`alter table ${table} alter column ${key} set not null`.execute(db);
      if (quirks.name === "mysql")
        await sql`alter table ${table} modify ${key} ${keyType} not null`.execute(db);
      await db.schema
        .createIndex(keyIndex)
        .ifNotExists()
        .unique()
        .on(users.table)
        .column(USERNAME_KEY_COLUMN)
        .execute();
      if (quirks.name === "mysql") {
        for (const name of await mysqlUsernameIndexes(db)) await dropIndex(db, name);
        return;
      }
      await dropIndex(db, lowerIndex);
      if (quirks.name === "postgres") await dropIndex(db, prefixIndex);
    },

    async down(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      if (quirks.name === "mysql") {
        // As migration 001 made it: THE username index (the column's collation folds case).
        if ((await mysqlUsernameIndexes(db)).length === 0)
          await db.schema
            .createIndex(users.username)
            .unique()
            .on(users.table)
            .column(users.username)
            .execute();
      } else {
        await db.schema
          .createIndex(lowerIndex)
          .ifNotExists()
          .unique()
          .on(users.table)
          .expression(sql`lower(${username})`)
          .execute();
      }
      if (quirks.name === "postgres") {
        await db.schema
          .createIndex(prefixIndex)
          .ifNotExists()
          .on(users.table)
          .expression(sql`(lower(${username}) collate "C"), ${sql.ref(users.id)}`)
          .execute();
      }
      await dropIndex(db, keyIndex);
      await sql`alter table ${table} drop column ${key}`.execute(db);
    },
  };
}
