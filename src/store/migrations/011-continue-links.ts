import { type Kysely, type Migration, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";
import { createIndex, userIdColumn } from "./001-initial.ts";

/**
 * `<prefix>continue_links`: the one-time links by which a user continues on another device.
 * A link is `<id>.<secret>` like a session token: the row keeps the id, the SHA-256 of the
 * secret (never the secret), the user, the session that asked for it (the link ends with that
 * session), and its times. A used link's row is deleted (that delete is the atomic "use").
 * The user's rows go with the user: a foreign key ON DELETE CASCADE, or on PostgreSQL with the
 * built-in users table the set-based trigger of migration 008, made again with this table.
 */
export function continueLinksMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const table = tables.continueLinks;
  const byTrigger = quirks.migrations.cascadesByTrigger && tables.users.builtIn;
  return {
    async up(db: Kysely<unknown>) {
      let create = db.schema
        .createTable(table)
        .ifNotExists()
        .addColumn("id", "varchar(64)", (c) => c.primaryKey().notNull())
        .addColumn("secret_hash", "varchar(64)", (c) => c.notNull());
      if (byTrigger) {
        // Without a foreign key: 008's trigger checks the user and deletes the rows with it.
        const { idColumnType } = tables.users;
        const type = idColumnType ? sql.raw(idColumnType) : quirks.migrations.integerIdType;
        create = create.addColumn("user_id", type, (c) => c.notNull());
      } else {
        create = create.$call(userIdColumn(tables, quirks, table));
      }
      await create
        .addColumn("session_id", "varchar(64)")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
      await createIndex(db, table, ["user_id"]);
      await createIndex(db, table, ["session_id"]);
      await createIndex(db, table, ["expires_at"]);
      if (byTrigger) await quirks.migrations.setBasedCascade(tables, [table]).up(db);
    },
    async down(db: Kysely<unknown>) {
      // The trigger's functions again without this table, then the table.
      if (byTrigger) await quirks.migrations.setBasedCascade(tables).up(db);
      await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
