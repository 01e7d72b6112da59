import type { Kysely, Migration } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";
import { createIndex, indexName } from "./001-initial.ts";

/**
 * A guest's creation key: a hash tied to the browser that made it (its CSRF seed), unique, so
 * that parallel first writes of one browser converge on ONE guest (`createGuests: "onWrite"`).
 * NULL for guests made without one; several NULLs are allowed on every database.
 */
export function guestCreationKeyMigration(tables: Tables, quirks: DialectQuirks): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable(tables.guests).addColumn("creation_key", "varchar(64)").execute();
      await createIndex(db, tables.guests, ["creation_key"], true);
    },
    async down(db: Kysely<unknown>) {
      const drop = db.schema.dropIndex(indexName(tables.guests, ["creation_key"]));
      await quirks.migrations.dropIndexOn(drop, tables.guests).execute();
      await db.schema.alterTable(tables.guests).dropColumn("creation_key").execute();
    },
  };
}
