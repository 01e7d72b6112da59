import { sql } from "kysely";
import type { DialectMigrations } from "../dialect-migrations.ts";
import { dropIndexNamed, lowerUsernameIndex } from "./lower-username-index.ts";
import { oneUsernameIndexMigration } from "./postgres-one-username-index.ts";
import { setBasedCascadeMigration } from "./postgres-set-based-cascade.ts";

/** PostgreSQL's DDL for our migrations (see {@link DialectMigrations}). */
export const postgresMigrations: DialectMigrations = {
  ...lowerUsernameIndex,
  transactionalDdl: true,
  retriesCollisions: false,
  integerIdType: "bigint",
  addIdColumn: (create, column) =>
    create.addColumn(column, "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity()),
  async hasColumn(db, table, column) {
    const { rows } =
      await sql`select 1 as found from pg_attribute where attrelid = to_regclass(${table})
            and attname = ${column} and not attisdropped`.execute(db);
    return rows.length > 0;
  },
  async createUsernamePrefixIndex(db, users, index) {
    await db.schema
      .createIndex(index)
      .ifNotExists()
      .on(users.table)
      .expression(sql`(lower(${sql.ref(users.username)}) collate "C"), ${sql.ref(users.id)}`)
      .execute();
  },
  dropUsernamePrefixIndex: dropIndexNamed,
  oneUsernameIndex: oneUsernameIndexMigration,
  setBasedCascade: setBasedCascadeMigration,
  cascadesByTrigger: true,
  foldedKeyType: (length) => sql`varchar(${sql.lit(length)}) collate "C"`,
  isAscii: (column) => sql`octet_length(${column}) = char_length(${column})`,
  asciiLower: (column) => sql`lower(${column} collate "C")`,
  async setNotNull(db, users, column) {
    await sql`alter table ${sql.table(users.table)} alter column ${column} set not null`.execute(
      db,
    );
  },
};
