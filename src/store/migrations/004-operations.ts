import { type Kysely, type Migration, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";
import { createIndex, userIdColumn } from "./001-initial.ts";

/**
 * The operations' tables:
 * - the funnel's daily counters: one row per UTC day and shard (a small random number, so
 *   parallel first visits do not all queue on one row lock); a day's count is the sum of
 *   its shards;
 * - social-login identities: (provider, subject) unique, the user's rows go with the user;
 * - terms-of-service acceptances: one row per user, the version accepted and when.
 */
export function operationsMigration(tables: Tables, quirks: DialectQuirks): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let funnel = db.schema
        .createTable(tables.funnel)
        .ifNotExists()
        .addColumn("day", "varchar(10)", (c) => c.notNull())
        .addColumn("shard", "integer", (c) => c.notNull());
      for (const name of ["created", "converted", "merged", "deleted"]) {
        funnel = funnel.addColumn(name, "bigint", (c) => c.notNull().defaultTo(sql.lit(0)));
      }
      await funnel.addPrimaryKeyConstraint(`${tables.funnel}_pk`, ["day", "shard"]).execute();

      await db.schema
        .createTable(tables.identities)
        .ifNotExists()
        .addColumn("provider", "varchar(64)", (c) => c.notNull())
        .addColumn("subject", "varchar(255)", (c) => c.notNull())
        .$call(userIdColumn(tables, quirks, tables.identities))
        .addColumn("email", "varchar(254)")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint(`${tables.identities}_pk`, ["provider", "subject"])
        .execute();
      await createIndex(db, tables.identities, ["user_id"]);

      await db.schema
        .createTable(tables.termsAcceptances)
        .ifNotExists()
        .$call(userIdColumn(tables, quirks, tables.termsAcceptances, true))
        .addColumn("version", "varchar(64)", (c) => c.notNull())
        .addColumn("accepted_at", "bigint", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable(tables.termsAcceptances).ifExists().execute();
      await db.schema.dropTable(tables.identities).ifExists().execute();
      await db.schema.dropTable(tables.funnel).ifExists().execute();
    },
  };
}
