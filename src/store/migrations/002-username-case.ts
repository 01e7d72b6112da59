import { type Kysely, type Migration, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";

/** Collations that tell upper from lower case: binary ones, and MySQL 8's `_cs` ones. */
const CASE_SENSITIVE = /(_bin|_cs)$|^binary$/i;

/** The collation MariaDB/MySQL columns get when theirs is case-sensitive. */
export const CASE_INSENSITIVE_COLLATION = "utf8mb4_unicode_ci";

/**
 * Usernames unique without regard to case, in the database, for the built-in users table
 * (an app's own table is left alone; see `UsersTableOptions`):
 *
 * - SQLite and PostgreSQL: a unique index on `lower(username)`, which lookups also use.
 *   SQLite's `lower()` folds ASCII letters only, so there the index refuses `"ada"` next to
 *   `"Ada"` but not `"jürgen"` next to `"Jürgen"`; the library's own check (which compares
 *   full Unicode lower case) refuses those, short of two sign-ups in the same instant.
 * - MySQL and MariaDB: their default collations (`utf8mb4_general_ci`, `utf8mb4_unicode_ci`,
 *   `uca1400_ai_ci`, `utf8mb4_0900_ai_ci`) already compare without regard to case, so the
 *   existing unique index on `username` does the work (they also ignore accents: `"José"`
 *   and `"Jose"` are one username there). Only a case-sensitive column (`_bin`, `_cs`) is
 *   changed to {@link CASE_INSENSITIVE_COLLATION}.
 *
 * Fails, naming them, when usernames that differ only in case already exist: rename all but
 * one of each, then migrate again.
 */
export function usernameCaseMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const { users } = tables;
  const index = `${users.table}_username_lower_idx`;
  const username = sql.ref(users.username);
  return {
    async up(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      const { rows } = await sql<{ name: string; n: unknown }>`
        select min(${username}) as name, count(*) as n from ${sql.table(users.table)}
        group by lower(${username}) having count(*) > 1 limit 5`.execute(db);
      if (rows.length > 0) {
        const names = rows.map((row) => JSON.stringify(row.name)).join(", ");
        throw new Error(
          `usernames that differ only in case exist (${names}...): rename all but one of each in ${users.table}, then migrate again`,
        );
      }
      if (quirks.name !== "mysql") {
        await db.schema
          .createIndex(index)
          .ifNotExists()
          .unique()
          .on(users.table)
          .expression(sql`lower(${username})`)
          .execute();
        return;
      }
      const { rows: columns } = await sql<{ collation: string | null }>`
        select collation_name as collation from information_schema.columns
        where table_schema = database() and table_name = ${users.table}
        and column_name = ${users.username}`.execute(db);
      const collation = columns[0]?.collation ?? "";
      if (!CASE_SENSITIVE.test(collation)) return;
      await sql`alter table ${sql.table(users.table)} modify ${username}
        varchar(${sql.raw(String(users.usernameMaxLength))}) character set utf8mb4
        collate ${sql.raw(CASE_INSENSITIVE_COLLATION)} not null`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      // MySQL/MariaDB: a collation changed by up() stays (it is what the index needs anyway).
      if (!users.builtIn || quirks.name === "mysql") return;
      await db.schema.dropIndex(index).ifExists().execute();
    },
  };
}
