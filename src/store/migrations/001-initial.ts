import { type CreateTableBuilder, type Kysely, type Migration, sql } from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";

/**
 * Adds the `user_id` column (the primary key when `primaryKey`), of the users table's id type
 * (which it must match exactly on MySQL), with its foreign key to the users table, ON DELETE
 * CASCADE (a user's rows in our tables go with the user), named `<table>_user_fk`. For
 * `.$call()`.
 *
 * @example
 * ```ts
 * db.schema.createTable(tables.guests).$call(userIdColumn(tables, quirks, tables.guests, true));
 * ```
 */
export function userIdColumn(
  tables: Tables,
  quirks: DialectQuirks,
  table: string,
  primaryKey = false,
) {
  const { users } = tables;
  const type = users.idColumnType
    ? sql.raw(users.idColumnType)
    : users.idType === "string"
      ? "varchar(255)"
      : quirks.migrations.integerIdType;
  return <TB extends string, C extends string>(builder: CreateTableBuilder<TB, C>) =>
    builder
      .addColumn("user_id", type, (c) => (primaryKey ? c.primaryKey() : c).notNull())
      .addForeignKeyConstraint(`${table}_user_fk`, ["user_id"], users.table, [users.id], (c) =>
        c.onDelete("cascade"),
      );
}

/**
 * Creates our index on `columns` of `table` unless it exists, named `<table>_<columns>_idx`
 * ({@link indexName}).
 */
export function createIndex(db: Kysely<unknown>, table: string, columns: string[], unique = false) {
  const create = db.schema.createIndex(indexName(table, columns)).ifNotExists();
  return (unique ? create.unique() : create).on(table).columns(columns).execute();
}

/** The name of our index on `columns` of `table`. */
export const indexName = (table: string, columns: readonly string[]) =>
  `${table}_${columns.join("_")}_idx`;

/**
 * The first schema: users (when built in), guests and sessions. Times are milliseconds since
 * the epoch in integer columns, the same on every database.
 */
export function initialMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const { users } = tables;
  return {
    async up(db: Kysely<unknown>) {
      if (users.builtIn) {
        const create = quirks.migrations.addIdColumn(
          db.schema.createTable(users.table).ifNotExists(),
          users.id,
        );
        await create
          // Unique here on MySQL/MariaDB only (a case-insensitive collation: THE username
          // index); SQLite and PostgreSQL get a unique `lower(username)` index in migration 002.
          .addColumn(users.username, `varchar(${users.usernameMaxLength})`, (c) =>
            quirks.migrations.uniqueUsernameColumn ? c.notNull().unique() : c.notNull(),
          )
          .addColumn(users.password, "varchar(255)")
          .addColumn(users.email ?? "email", "varchar(254)")
          .addColumn(users.createdAt ?? "created_at", "bigint", (c) => c.notNull())
          .addColumn(users.lastLoginAt ?? "last_login_at", "bigint")
          .execute();
      }

      await db.schema
        .createTable(tables.guests)
        .ifNotExists()
        .$call(userIdColumn(tables, quirks, tables.guests, true))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("last_seen_at", "bigint", (c) => c.notNull())
        .addColumn("data", sql.raw(quirks.columns.jsonType))
        .execute();
      await createIndex(db, tables.guests, ["created_at"]);
      await createIndex(db, tables.guests, ["last_seen_at"]);

      await db.schema
        .createTable(tables.sessions)
        .ifNotExists()
        .addColumn("id", "varchar(64)", (c) => c.primaryKey().notNull())
        .addColumn("secret_hash", "varchar(64)", (c) => c.notNull())
        .$call(userIdColumn(tables, quirks, tables.sessions))
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .execute();
      await createIndex(db, tables.sessions, ["user_id"]);
      await createIndex(db, tables.sessions, ["expires_at"]);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable(tables.sessions).ifExists().execute();
      await db.schema.dropTable(tables.guests).ifExists().execute();
      if (users.builtIn) await db.schema.dropTable(users.table).ifExists().execute();
    },
  };
}
