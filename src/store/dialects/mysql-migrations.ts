import { type Kysely, sql } from "kysely";
import type { DialectMigrations, UsersTable } from "../dialect-migrations.ts";
import { withoutPostgresSteps } from "./lower-username-index.ts";

/** Collations that tell upper from lower case: binary ones, and MySQL 8's `_cs` ones. */
const CASE_SENSITIVE = /(_bin|_cs)$|^binary$/i;

/** The collation MariaDB/MySQL columns get when theirs is case-sensitive (migration 002). */
export const CASE_INSENSITIVE_COLLATION = "utf8mb4_unicode_ci";

/** The unique indexes on the username column alone (001's `unique()`). */
async function usernameIndexes(db: Kysely<unknown>, users: UsersTable): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
      select index_name as name from information_schema.statistics
      where table_schema = database() and table_name = ${users.table} and non_unique = 0
        and index_name <> 'PRIMARY'
      group by index_name having count(*) = 1 and max(column_name) = ${users.username}`.execute(db);
  return rows.map((row) => row.name);
}

/** MySQL's and MariaDB's DDL for our migrations (see {@link DialectMigrations}). */
export const mysqlMigrations: DialectMigrations = {
  ...withoutPostgresSteps,
  transactionalDdl: false,
  retriesCollisions: false,
  integerIdType: "bigint",
  addIdColumn: (create, column) =>
    create.addColumn(column, "bigint", (c) => c.primaryKey().autoIncrement()),
  uniqueUsernameColumn: true,
  dropIndexOn: (drop, table) => drop.on(table),
  async hasColumn(db, table, column) {
    const { rows } = await sql`select 1 as found from information_schema.columns
            where table_schema = database() and table_name = ${table} and column_name = ${column}`.execute(
      db,
    );
    return rows.length > 0;
  },
  async caseInsensitiveUsernames(db, users) {
    const { rows: columns } = await sql<{ collation: string | null }>`
        select collation_name as collation from information_schema.columns
        where table_schema = database() and table_name = ${users.table}
        and column_name = ${users.username}`.execute(db);
    const collation = columns[0]?.collation ?? "";
    if (!CASE_SENSITIVE.test(collation)) return;
    await sql`alter table ${sql.table(users.table)} modify ${sql.ref(users.username)}
        varchar(${sql.raw(String(users.usernameMaxLength))}) character set utf8mb4
        collate ${sql.raw(CASE_INSENSITIVE_COLLATION)} not null`.execute(db);
  },
  // A collation changed by 002's up stays (it is what the index needs anyway).
  async dropCaseInsensitiveUsernames() {},
  foldedKeyType: (length) =>
    sql`varchar(${sql.lit(length)}) character set utf8mb4 collate utf8mb4_bin`,
  isAscii: (column) => sql`length(${column}) = char_length(${column})`,
  asciiLower: (column) => sql`lower(convert(${column} using ascii))`,
  async setNotNull(db, users, column, type) {
    await sql`alter table ${sql.table(users.table)} modify ${column} ${type} not null`.execute(db);
  },
  async dropCaseInsensitiveIndex(db, users) {
    for (const name of await usernameIndexes(db, users))
      await db.schema.dropIndex(name).ifExists().on(users.table).execute();
  },
  async restoreCaseInsensitiveIndex(db, users) {
    // As migration 001 made it: THE username index (the column's collation folds case).
    if ((await usernameIndexes(db, users)).length > 0) return;
    await db.schema
      .createIndex(users.username)
      .unique()
      .on(users.table)
      .column(users.username)
      .execute();
  },
};
