import { type Kysely, type Migration, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";

/**
 * The staff flag on the built-in users table: `is_staff`, a boolean, NOT NULL, false for
 * every existing user (SQLite and MySQL/MariaDB store it as 0/1). Who has it may use the
 * guest admin by default; `guest-user staff grant|revoke <username>` and
 * `guestUsers.setStaff()` set it. Read in the session lookup's one query, like the other
 * user columns. An app's own users table is left alone (map its column with
 * `users.columns.isStaff`).
 */
export function staffMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const { users } = tables;
  const column = users.isStaff ?? "is_staff";
  return {
    async up(db: Kysely<unknown>) {
      if (!users.builtIn || (await quirks.migrations.hasColumn(db, users.table, column))) return;
      await db.schema
        .alterTable(users.table)
        .addColumn(column, "boolean", (c) => c.notNull().defaultTo(sql`false`))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      if (!users.builtIn || !(await quirks.migrations.hasColumn(db, users.table, column))) return;
      await db.schema.alterTable(users.table).dropColumn(column).execute();
    },
  };
}
