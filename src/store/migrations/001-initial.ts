import {
  type ColumnDataType,
  type CreateTableBuilder,
  type Expression,
  type Kysely,
  type Migration,
  sql,
} from "kysely";
import type { DialectQuirks } from "../dialect.ts";
import type { Tables } from "../tables.ts";

/** The SQL type of our `user_id` columns: it must match the users table's id exactly on MySQL. */
export function userIdType(
  tables: Tables,
  quirks: DialectQuirks,
): ColumnDataType | Expression<unknown> {
  const { users } = tables;
  if (users.idColumnType) return sql.raw(users.idColumnType);
  if (users.idType === "string") return "varchar(255)";
  return quirks.migrations.integerIdType;
}

/**
 * The foreign key from `table.user_id` to the users table, ON DELETE CASCADE (a user's rows
 * in our tables go with the user), named `<table>_user_fk`. For `.$call()`.
 *
 * @example
 * ```ts
 * db.schema.createTable(tables.guests).addColumn("user_id", idType).$call(userForeignKey(tables, tables.guests));
 * ```
 */
export function userForeignKey(tables: Tables, table: string) {
  return <TB extends string, C extends string>(builder: CreateTableBuilder<TB, C | "user_id">) =>
    builder.addForeignKeyConstraint(
      `${table}_user_fk`,
      ["user_id"],
      tables.users.table,
      [tables.users.id],
      (c) => c.onDelete("cascade"),
    );
}

/**
 * The first schema: users (when built in), guests and sessions. Times are milliseconds since
 * the epoch in integer columns, the same on every database.
 */
export function initialMigration(tables: Tables, quirks: DialectQuirks): Migration {
  const { users } = tables;
  const idType = userIdType(tables, quirks);
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
        .addColumn("user_id", idType, (c) => c.primaryKey().notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("last_seen_at", "bigint", (c) => c.notNull())
        .addColumn("data", sql.raw(quirks.columns.jsonType))
        .$call(userForeignKey(tables, tables.guests))
        .execute();
      await db.schema
        .createIndex(`${tables.guests}_created_at_idx`)
        .ifNotExists()
        .on(tables.guests)
        .column("created_at")
        .execute();
      await db.schema
        .createIndex(`${tables.guests}_last_seen_at_idx`)
        .ifNotExists()
        .on(tables.guests)
        .column("last_seen_at")
        .execute();

      await db.schema
        .createTable(tables.sessions)
        .ifNotExists()
        .addColumn("id", "varchar(64)", (c) => c.primaryKey().notNull())
        .addColumn("secret_hash", "varchar(64)", (c) => c.notNull())
        .addColumn("user_id", idType, (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .$call(userForeignKey(tables, tables.sessions))
        .execute();
      await db.schema
        .createIndex(`${tables.sessions}_user_id_idx`)
        .ifNotExists()
        .on(tables.sessions)
        .column("user_id")
        .execute();
      await db.schema
        .createIndex(`${tables.sessions}_expires_at_idx`)
        .ifNotExists()
        .on(tables.sessions)
        .column("expires_at")
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable(tables.sessions).ifExists().execute();
      await db.schema.dropTable(tables.guests).ifExists().execute();
      if (users.builtIn) await db.schema.dropTable(users.table).ifExists().execute();
    },
  };
}
