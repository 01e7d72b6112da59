import type { Db, DialectQuirks } from "./dialect.ts";
import type { DatabaseLockOptions, TryLock } from "./dialect-locks.ts";
import type { Tables } from "./tables.ts";

export type { DatabaseLockOptions, LockOutcome, TryLock } from "./dialect-locks.ts";
export { leasesTable } from "./dialects/sqlite-lease.ts";

/**
 * A lock named `name` shared by every process on the same database and table prefix, that
 * never waits: the body runs if the lock was free, else the call returns at once.
 * - PostgreSQL: a transaction-scoped advisory lock on one held connection (`withPostgresLock`);
 * - MySQL / MariaDB: `GET_LOCK` on one held connection (`withMysqlLock`);
 * - SQLite: a lease row in `<prefix>leases`, renewed while the body runs (`withSqliteLease`).
 *
 * PostgreSQL and MySQL take one pooled connection for the duration besides what the body
 * uses: a pool of one connection would wait forever.
 *
 * @example
 * ```ts
 * const tryLock = databaseLock(db, postgresQuirks, tables, "cleanup");
 * const outcome = await tryLock(() => deleteExpired());
 * if (!outcome.acquired) console.log("another server is cleaning up");
 * ```
 */
export function databaseLock(
  db: Db,
  quirks: DialectQuirks,
  tables: Tables,
  name: string,
  options: DatabaseLockOptions = {},
): TryLock {
  return quirks.locks.named(db, tables, name, options);
}
