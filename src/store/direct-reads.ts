import type { CompiledQuery } from "kysely";
import type { Db } from "./dialect.ts";
import { outerQueriesBlocked } from "./outer-queries.ts";

/**
 * Runs one compiled read (text and values) on the driver behind a Kysely instance guest-user
 * opened itself, without Kysely's executor: the rows, or `undefined` when it cannot run here
 * and now (SQLite: a transaction is open on the one connection; the handle is not open yet),
 * in which case the read goes through Kysely as every other query does.
 */
export type DirectRead = (
  text: string,
  values: readonly unknown[],
) => Promise<unknown[]> | unknown[] | undefined;

const directReads = new WeakMap<Db, DirectRead>();

/**
 * Lets the hot path's reads on `db` skip Kysely's executor (connection provider, result
 * transformation, promise layers: ~4 µs of a SQLite lookup's ~10): each dialect that opens its
 * own driver registers how to run a read on it (the same statement cache, prepared statements
 * and pool that Kysely uses). Kysely instances an app passes in never get one.
 */
export function registerDirectRead(db: Db, read: DirectRead): void {
  directReads.set(db, read);
}

/**
 * The rows of `query` on `db`: directly on the driver where one is registered and the read is
 * allowed (not inside a `blockOuterQueries()` stretch, which the executor refuses), else
 * through Kysely. For single-statement reads only (the session lookup): same text, same
 * values, same rows as `db.executeQuery(query)`.
 *
 * @example
 * ```ts
 * const rows = await readRows(db, lookupQuery(db, [id]));
 * ```
 */
export async function readRows<R>(db: Db, query: CompiledQuery<R>): Promise<R[]> {
  const direct = directReads.get(db);
  if (direct && !outerQueriesBlocked()) {
    const rows = await direct(query.sql, query.parameters);
    if (rows !== undefined) return rows as R[];
  }
  return (await db.executeQuery(query)).rows;
}
