import type { Db, DialectQuirks } from "./dialect.ts";
import type { DatabaseLockOptions, TryLock } from "./dialect-locks.ts";
import type { Tables } from "./tables.ts";

export type { DatabaseLockOptions, LockOutcome, TryLock } from "./dialect-locks.ts";
export { leasesTable } from "./dialects/sqlite-lease.ts";

/**
 * A lock named `name` shared by every process on the same database and table prefix, that
 * never waits: the body runs if the lock was free, else the call returns at once.
 * - PostgreSQL: `pg_try_advisory_xact_lock` on a 64-bit key hashed from the guests table's
 *   name and `name`, inside a transaction kept open on ONE connection while the body runs
 *   on others (no row is touched by it; it ends, and the lock with it, when the body ends or
 *   the connection dies).
 * - MySQL / MariaDB: `GET_LOCK(<hash of database, table and name>, 0)` and `RELEASE_LOCK` on
 *   one held connection; a dead connection frees it.
 * - SQLite: a lease row in `<prefix>leases` with an expiry, renewed while the body runs.
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
