import { sql } from "kysely";
import type { DialectUpserts } from "../dialect.ts";

/** PostgreSQL's and SQLite's upserts: `on conflict (keys)`, the inserted value `excluded.column`. */
export const onConflictUpserts: DialectUpserts = {
  onConflict: (keys, set) => sql`on conflict (${keys}) do update set ${set}`,
  addInserted: (table, column) => sql`${table}.${column} + excluded.${column}`,
};

/** MySQL's and MariaDB's upserts: `on duplicate key update` (any unique key), the value again. */
export const onDuplicateKeyUpserts: DialectUpserts = {
  onConflict: (_keys, set) => sql`on duplicate key update ${set}`,
  addInserted: (_table, column, count) => sql`${column} + ${count}`,
};
