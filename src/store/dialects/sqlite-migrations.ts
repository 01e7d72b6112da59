import { sql } from "kysely";
import type { DialectMigrations } from "../dialect-migrations.ts";
import {
  createLowerUsernameIndex,
  dropLowerUsernameIndex,
  noMigration,
} from "./lower-username-index.ts";

/** SQLite's DDL for our migrations (see {@link DialectMigrations}). */
export const sqliteMigrations: DialectMigrations = {
  transactionalDdl: false,
  retriesCollisions: true,
  integerIdType: "integer",
  addIdColumn: (create, column) =>
    create.addColumn(column, "integer", (c) => c.primaryKey().autoIncrement()),
  uniqueUsernameColumn: false,
  dropIndexOn: (drop) => drop,
  async hasColumn(db, table, column) {
    const { rows } = await sql`select 1 as found from pragma_table_info(${table})
      where name = ${column}`.execute(db);
    return rows.length > 0;
  },
  caseInsensitiveUsernames: createLowerUsernameIndex,
  dropCaseInsensitiveUsernames: dropLowerUsernameIndex,
  async createUsernamePrefixIndex() {},
  async dropUsernamePrefixIndex() {},
  oneUsernameIndex: () => noMigration,
  setBasedCascade: () => noMigration,
  foldedKeyType: (length) => sql`varchar(${sql.lit(length)})`,
  isAscii: (column) => sql`length(cast(${column} as blob)) = length(${column})`,
  asciiLower: (column) => sql`lower(${column})`,
  async setNotNull() {},
  dropCaseInsensitiveIndex: dropLowerUsernameIndex,
  restoreCaseInsensitiveIndex: createLowerUsernameIndex,
};
