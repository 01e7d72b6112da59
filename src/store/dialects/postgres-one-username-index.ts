import { type Kysely, type Migration, sql } from "kysely";
import type { Tables } from "../tables.ts";

/**
 * One unique index on the built-in users table's username, not two. On SQLite and PostgreSQL
 * the `lower(username)` unique index of migration 002 refuses everything the column's plain
 * UNIQUE refused (names equal as written are equal in lower case) and serves every lookup;
 * the plain one only cost a write on each new user and a delete on each deleted one (a
 * seventh of the work of deleting a guest on SQLite). Migration 001 now makes it on MySQL and
 * MariaDB only, where the column's case-insensitive collation makes it THE username index.
 *
 * Here, PostgreSQL databases made before that lose the old constraint. SQLite databases made
 * before keep it: SQLite cannot drop a column's UNIQUE without rebuilding the users table,
 * which its foreign keys (ON DELETE CASCADE from every guest-user table) make unsafe in a
 * migration; it is only slower, never wrong. An app's own users table is left alone.
 */
export function oneUsernameIndexMigration(tables: Tables): Migration {
  const { users } = tables;
  return {
    async up(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      const { rows } = await sql<{ name: string }>`
        select con.conname as name from pg_constraint con
        join pg_attribute att on att.attrelid = con.conrelid and att.attnum = con.conkey[1]
        where con.conrelid = to_regclass(${users.table}) and con.contype = 'u'
          and cardinality(con.conkey) = 1 and att.attname = ${users.username}`.execute(db);
      for (const { name } of rows)
        await sql`alter table ${sql.table(users.table)} drop constraint ${sql.id(name)}`.execute(
          db,
        );
    },
    async down(db: Kysely<unknown>) {
      if (!users.builtIn) return;
      await db.schema
        .createIndex(`${users.table}_${users.username}_key`.replace(/^.*\./, ""))
        .ifNotExists()
        .unique()
        .on(users.table)
        .column(users.username)
        .execute();
    },
  };
}
