import { sql } from "kysely";
import type { DialectMigrations } from "../dialect-migrations.ts";
import { lowerUsernameIndex, withoutPostgresSteps } from "./lower-username-index.ts";

/** SQLite's DDL for our migrations (see {@link DialectMigrations}). */
export const sqliteMigrations: DialectMigrations = {
  ...lowerUsernameIndex,
  ...withoutPostgresSteps,
  transactionalDdl: false,
  retriesCollisions: true,
  integerIdType: "integer",
  addIdColumn: (create, column) =>
    create.addColumn(column, "integer", (c) => c.primaryKey().autoIncrement()),
  async hasColumn(db, table, column) {
    const { rows } = await sql`select 1 as found from pragma_table_info(${table})
      where name = ${column}`.execute(db);
    return rows.length > 0;
  },
  foldedKeyType: (length) => sql`varchar(${sql.lit(length)})`,
  isAscii: (column) => sql`length(cast(${column} as blob)) = length(${column})`,
  asciiLower: (column) => sql`lower(${column})`,
  async setNotNull() {},
};
