import { sql } from "kysely";
import type { DialectUpserts } from "../dialect.ts";

/**
 * PostgreSQL's and SQLite's upserts: `on conflict (keys) do update set ...`, the inserted
 * values as `excluded.column`.
 * @example
 * ```ts
 * sql`${insert} ${onConflictUpserts.onConflict(sql`user_id`, sql`version = ${version}`)}`;
 * ```
 */
export const onConflictUpserts: DialectUpserts = {
  onConflict: (keys, set) => sql`on conflict (${keys}) do update set ${set}`,
  addInserted: (table, column) => sql`${table}.${column} + excluded.${column}`,
};

/**
 * MySQL's and MariaDB's upserts: `on duplicate key update ...` (on any unique key), the
 * inserted value passed again.
 * @example
 * ```ts
 * sql`${insert} ${onDuplicateKeyUpserts.onConflict(sql`user_id`, sql`version = ${version}`)}`;
 * ```
 */
export const onDuplicateKeyUpserts: DialectUpserts = {
  onConflict: (_keys, set) => sql`on duplicate key update ${set}`,
  addInserted: (_table, column, count) => sql`${column} + ${count}`,
};
