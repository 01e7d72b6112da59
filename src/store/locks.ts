import type { Db, DialectName } from "./dialect.ts";
import { withMysqlLock } from "./dialects/mysql-lock.ts";
import { withPostgresLock } from "./dialects/postgres-lock.ts";
import { DEFAULT_LEASE_MS, withSqliteLease } from "./dialects/sqlite-lease.ts";
import type { Tables } from "./tables.ts";

/**
 * What running a body under a lock that may be taken came to: `acquired: false` when another
 * holder had it (the body did not run). `releaseError` is a failure to let go of the lock
 * after the body ran (the lock then lapses with its connection or lease).
 */
export type LockOutcome<T> =
  | { readonly acquired: true; readonly value: T; readonly releaseError?: unknown }
  | { readonly acquired: false };

/** Runs `body` while holding a named lock, or not at all when someone else holds it. */
export type TryLock = <T>(body: () => Promise<T>) => Promise<LockOutcome<T>>;

/** Options of {@link databaseLock}. */
export interface DatabaseLockOptions {
  /**
   * SQLite only: milliseconds a lease lasts without renewal (it is renewed every third of
   * that while the body runs), so a crashed holder's lease lapses after at most this long.
   * @default 60000
   */
  readonly leaseMs?: number;
}

/**
 * The table of SQLite's leases (`<prefix>leases`, migration 006), next to our other tables.
 * @example
 * ```ts
 * leasesTable(resolveTables({ tablePrefix: "app_" })); // "app_leases"
 * ```
 */
export function leasesTable(tables: Tables): string {
  return `${tables.migrations.slice(0, -"migrations".length)}leases`;
}

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
 * const tryLock = databaseLock(db, "postgres", tables, "cleanup");
 * const outcome = await tryLock(() => deleteExpired());
 * if (!outcome.acquired) console.log("another server is cleaning up");
 * ```
 */
export function databaseLock(
  db: Db,
  dialect: DialectName,
  tables: Tables,
  name: string,
  options: DatabaseLockOptions = {},
): TryLock {
  const key = `${tables.guests}:${name}`;
  switch (dialect) {
    case "postgres":
      return (body) => withPostgresLock(db, key, body);
    case "mysql":
      return (body) => withMysqlLock(db, key, body);
    case "sqlite": {
      const table = leasesTable(tables);
      const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
      return (body) => withSqliteLease(db, { table, name, leaseMs }, body);
    }
  }
}
