import { sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import { affectedRows, type Db } from "./dialect.ts";

/** An app table whose rows belong to a user: its name and its owner column. */
export interface OwnedTableRef {
  readonly table: string;
  readonly column: string;
}

/** A row of an app table, as its driver returns it (bigints as numbers when exact, else strings; bytes as base64). */
export type OwnedRow = Record<string, unknown>;

/** A value as JSON shows it: bigints as numbers when exact, else strings; bytes as base64. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value;
}

/**
 * Queries on the app's owned tables (the `ownership` option), by name: plain SQL that every
 * dialect runs as written (no DELETE with a subquery on its own table, which MySQL refuses).
 */
export const ownedTableQueries = {
  /** Re-points every row of `from` to `to`; the number of rows moved. */
  async move(db: Db, { table, column }: OwnedTableRef, from: UserId, to: UserId): Promise<number> {
    return affectedRows(
      await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${to}
        where ${sql.ref(column)} = ${from}`.execute(db),
    );
  },

  /** Deletes every row of `userId`; the number deleted. */
  async deleteOf(db: Db, { table, column }: OwnedTableRef, userId: UserId): Promise<number> {
    return affectedRows(
      await sql`delete from ${sql.table(table)} where ${sql.ref(column)} = ${userId}`.execute(db),
    );
  },

  /** True when `userId` owns at least one row. */
  async owns(db: Db, { table, column }: OwnedTableRef, userId: UserId): Promise<boolean> {
    const { rows } = await sql`select 1 as one from ${sql.table(table)}
      where ${sql.ref(column)} = ${userId} limit 1`.execute(db);
    return rows.length > 0;
  },

  /** Every row of `userId`, every column, JSON-safe values. */
  async rowsOf(db: Db, { table, column }: OwnedTableRef, userId: UserId): Promise<OwnedRow[]> {
    const { rows } = await sql<OwnedRow>`select * from ${sql.table(table)}
      where ${sql.ref(column)} = ${userId}`.execute(db);
    return rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, jsonSafe(value)])),
    );
  },

  /**
   * How many rows each of `userIds` owns in all `tables` together (a user owning nothing is
   * absent): one grouped query per table.
   */
  async countFor(
    db: Db,
    tables: readonly OwnedTableRef[],
    userIds: readonly UserId[],
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (userIds.length === 0) return counts;
    for (const { table, column } of tables) {
      const { rows } = await sql<{ owner: unknown; owned: unknown }>`
        select ${sql.ref(column)} as owner, count(*) as owned from ${sql.table(table)}
        where ${sql.ref(column)} in (${sql.join(userIds)}) group by ${sql.ref(column)}`.execute(db);
      for (const { owner, owned } of rows) {
        const key = String(owner);
        counts.set(key, (counts.get(key) ?? 0) + Number(owned));
      }
    }
    return counts;
  },
};

/** A user's sessions without their secrets (the export's): when each began and ends. */
export async function sessionTimesOf(
  db: Db,
  sessionsTable: string,
  userId: UserId,
): Promise<{ createdAt: number; expiresAt: number }[]> {
  const { rows } = await sql<{ created_at: unknown; expires_at: unknown }>`
    select created_at, expires_at from ${sql.table(sessionsTable)}
    where user_id = ${userId} order by created_at`.execute(db);
  return rows.map((row) => ({
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  }));
}
