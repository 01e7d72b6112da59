import { type Kysely, type Migration, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";
import { USERNAME_KEY_COLUMN, usernameKey } from "../username-case.ts";
import { createIndex, indexName } from "./001-initial.ts";
import { refuseAlike } from "./002-username-case.ts";

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
  const keyIndex = indexName(users.table, [USERNAME_KEY_COLUMN]);
  const lowerIndex = `${users.table}_username_lower_idx`;
  const prefixIndex = `${users.table}_username_prefix_idx`;
  const { migrations } = quirks;
  // Folding at most doubles an NFKC name (`ß` to `ss`): thrice its length leaves room to spare.
  const keyType = migrations.foldedKeyType(3 * users.usernameMaxLength);
  const ascii = migrations.isAscii(username);
  // ASCII letters only, whatever the locale or collation (a Turkish one lowers I to ı).
  const asciiLower = migrations.asciiLower(username);

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

  return {
    async up(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      const leftBehind =
        !migrations.transactionalDdl &&
        (await migrations.hasColumn(db, users.table, USERNAME_KEY_COLUMN));
      if (leftBehind) {
        // Left by a run that failed (names alike) on SQLite or MySQL/MariaDB, whose migrations
        // are not one transaction: its keys may be stale (names renamed since).
        await sql`update ${table} set ${key} = null`.execute(db);
      } else {
        await sql`alter table ${table} add column ${key} ${keyType}`.execute(db);
      }
      await backfill(db);
      const example = ', e.g. "Straße" and "STRASSE"';
      await refuseAlike(db, users, key, "are the same with full case folding", example);
      await migrations.setNotNull(db, users, key, keyType);
      await createIndex(db, users.table, [USERNAME_KEY_COLUMN], true);
      await migrations.dropCaseInsensitiveIndex(db, users, lowerIndex);
      await migrations.dropUsernamePrefixIndex(db, users, prefixIndex);
    },

    async down(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      await migrations.restoreCaseInsensitiveIndex(db, users, lowerIndex);
      await migrations.createUsernamePrefixIndex(db, users, prefixIndex);
      await migrations.dropIndexOn(db.schema.dropIndex(keyIndex).ifExists(), users.table).execute();
      await sql`alter table ${table} drop column ${key}`.execute(db);
    },
  };
}
