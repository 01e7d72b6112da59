import { type Kysely, sql } from "kysely";
import type { UsersTable } from "../dialect-migrations.ts";

/**
 * SQLite's and PostgreSQL's case-insensitive username index (migration 002, and 010's down):
 * unique on `lower(username)`.
 * @example
 * ```ts
 * await createLowerUsernameIndex(db, tables.users, "guest_user_users_username_lower_idx");
 * ```
 */
export async function createLowerUsernameIndex(
  db: Kysely<unknown>,
  users: UsersTable,
  index: string,
): Promise<void> {
  await db.schema
    .createIndex(index)
    .ifNotExists()
    .unique()
    .on(users.table)
    .expression(sql`lower(${sql.ref(users.username)})`)
    .execute();
}

/**
 * Drops that index (002's down, and 010, which replaces it by the folded key's).
 * @example
 * ```ts
 * await dropLowerUsernameIndex(db, tables.users, "guest_user_users_username_lower_idx");
 * ```
 */
export async function dropLowerUsernameIndex(
  db: Kysely<unknown>,
  _users: UsersTable,
  index: string,
): Promise<void> {
  await db.schema.dropIndex(index).ifExists().execute();
}

/**
 * A migration that does nothing on this database (its change concerns another one).
 * @example
 * ```ts
 * const migration = noMigration; // "008-set-based-cascade" on SQLite
 * ```
 */
export const noMigration = { async up() {}, async down() {} };
