import type { Kysely, Migration } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import { leasesTable } from "../locks.ts";
import type { Tables } from "../tables.ts";

/**
 * `<prefix>leases`: named leases with an expiry, one row per lease (`cleanup` for the
 * scheduled clean-up). SQLite's lock between processes: a holder renews its row while it
 * works, and a crashed holder's row lapses. PostgreSQL and MySQL lock with the server's own
 * locks (advisory, `GET_LOCK`) and leave the table empty; it exists on every database so
 * the schema is the same everywhere.
 */
export function leasesMigration(tables: Tables, _quirks: DialectQuirks): Migration {
  const table = leasesTable(tables);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(table)
        .ifNotExists()
        .addColumn("name", "varchar(100)", (c) => c.primaryKey().notNull())
        .addColumn("holder", "varchar(64)", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
