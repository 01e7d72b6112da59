import type { Kysely, Migration } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";
import { createIndex, indexName } from "./001-initial.ts";

/**
 * Indexes that keep the admin's guest list fast at millions of guests:
 *
 * - guests `(created_at, user_id)`: the list is ordered by both, newest first, and pages by a
 *   keyset cursor on both, so every page is a short index range whatever its depth. It
 *   replaces the index on `created_at` alone, which clean-up also served from (one index
 *   less to write on each new guest).
 * - PostgreSQL, built-in users table: `(lower(username) collate "C", id)`: a username prefix
 *   search (`like 'ab%'`) is a range on it in any database collation, read in its order, so
 *   a page of results costs about a page of index entries however many names match. SQLite
 *   does the same on the `lower(username)` index of migration 002; MySQL and MariaDB on the
 *   username's own (case-insensitive) index. An app's own users table is left alone: on
 *   PostgreSQL add `create index on accounts ((lower(login) collate "C"), account_id)`.
 */
export function adminIndexesMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const { users, guests } = tables;
  const keyset = ["created_at", "user_id"];
  const prefix = `${users.table}_username_prefix_idx`;
  const dropIndex = (db: Kysely<unknown>, columns: string[]) => {
    const drop = db.schema.dropIndex(indexName(guests, columns)).ifExists();
    return quirks.migrations.dropIndexOn(drop, guests).execute();
  };
  return {
    async up(db: Kysely<unknown>) {
      await createIndex(db, guests, keyset);
      await dropIndex(db, ["created_at"]);
      if (users.builtIn) await quirks.migrations.createUsernamePrefixIndex(db, users, prefix);
    },
    async down(db: Kysely<unknown>) {
      if (users.builtIn) await quirks.migrations.dropUsernamePrefixIndex(db, users, prefix);
      await createIndex(db, guests, ["created_at"]);
      await dropIndex(db, keyset);
    },
  };
}
