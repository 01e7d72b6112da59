import { type Kysely, type Migration, type RawBuilder, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { UsersTable } from "../dialect-migrations.ts";
import type { Tables } from "../tables.ts";

/**
 * Fails, naming up to five, when usernames of `users` share their `key` (names that `alike`
 * describes, as `example` shows): the index about to be made on it would refuse them.
 */
export async function refuseAlike(
  db: Kysely<unknown>,
  users: UsersTable,
  key: RawBuilder<unknown>,
  alike: string,
  example = "",
): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select min(${sql.ref(users.username)}) as name from ${sql.table(users.table)}
    group by ${key} having count(*) > 1 limit 5`.execute(db);
  if (rows.length === 0) return;
  const names = rows.map((row) => JSON.stringify(row.name)).join(", ");
  throw new Error(
    `usernames that ${alike} exist (${names}...${example}): rename all but one of each in ${users.table}, then migrate again`,
  );
}

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
 *   changed to `utf8mb4_unicode_ci`.
 *
 * Fails, naming them, when usernames that differ only in case already exist: rename all but
 * one of each, then migrate again.
 */
export function usernameCaseMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const { users } = tables;
  const index = `${users.table}_username_lower_idx`;
  return {
    async up(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      await refuseAlike(db, users, sql`lower(${sql.ref(users.username)})`, "differ only in case");
      await quirks.migrations.caseInsensitiveUsernames(db, users, index);
    },
    async down(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      await quirks.migrations.dropCaseInsensitiveUsernames(db, users, index);
    },
  };
}
