import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { affectedRows, type Db } from "../dialect.ts";
import { type DialectLocks, type LockOutcome, releasedAfter } from "../dialect-locks.ts";
import type { Tables } from "../tables.ts";
import { touchRowLock } from "./row-locks.ts";

/** How long a lease lasts without renewal: a crashed holder blocks the others this long at most. */
export const DEFAULT_LEASE_MS = 60_000;

/**
 * The table of SQLite's leases (`<prefix>leases`, migration 006), next to our other tables.
 * @example
 * ```ts
 * leasesTable(settings.tables); // "app_leases" when tablePrefix is "app_"
 * ```
 */
export function leasesTable(tables: Tables): string {
  return `${tables.migrations.slice(0, -"migrations".length)}leases`;
}

/** Which lease, in which table, for how long. */
export interface Lease {
  /** The leases table (`<prefix>leases`). */
  readonly table: string;
  /** The lease's name, e.g. `"cleanup"`. */
  readonly name: string;
  /** Milliseconds the lease lasts from its last renewal. */
  readonly leaseMs: number;
}

/**
 * Takes the lease for `holder` if nobody holds it or its holder's expired: ONE upsert, which
 * SQLite runs under its single write lock, so of two processes racing exactly one gets it.
 * Returns whether `holder` has it now. Times are the wall clock, shared by every process of
 * the machine that can open the file.
 */
export async function tryAcquireLease(db: Db, lease: Lease, holder: string): Promise<boolean> {
  const { table, name, leaseMs } = lease;
  const now = Date.now();
  const result = await sql`insert into ${sql.table(table)} (name, holder, expires_at)
    values (${name}, ${holder}, ${now + leaseMs})
    on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
    where ${sql.ref(`${table}.expires_at`)} <= ${now}`.execute(db);
  return affectedRows(result) === 1;
}

/**
 * Runs `body` if the lease is free (or lapsed), renewing it every third of `leaseMs` while
 * `body` runs and releasing it afterwards. Why a lease and not a lock: SQLite has no lock
 * that outlives a statement but a write transaction, which would block `body`'s own writes
 * from the other connections; and every process on the machine shares the file, so a row in
 * it is a lock they all see. A holder that crashes stops renewing; its lease lapses.
 *
 * @example
 * ```ts
 * await withSqliteLease(db, { table: "guest_user_leases", name: "cleanup", leaseMs: 60_000 }, work);
 * ```
 */
export async function withSqliteLease<T>(
  db: Db,
  lease: Lease,
  body: () => Promise<T>,
): Promise<LockOutcome<T>> {
  const holder = randomUUID();
  if (!(await tryAcquireLease(db, lease, holder))) return { acquired: false };
  const { table, name, leaseMs } = lease;
  const mine = sql`name = ${name} and holder = ${holder}`;
  let renewalError: unknown;
  // Extends the lease; it is no longer ours when it lapsed and was taken.
  const renew = async () => {
    try {
      const result = await sql`update ${sql.table(table)} set expires_at = ${Date.now() + leaseMs}
        where ${mine}`.execute(db);
      if (affectedRows(result) !== 1)
        renewalError ??= new Error("the lease lapsed and another process took it");
    } catch (error) {
      renewalError ??= error;
    }
  };
  const heartbeat = setInterval(renew, Math.max(1, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  const outcome = await releasedAfter(body, () => {
    clearInterval(heartbeat);
    // Gives the lease up (only if it is still ours).
    return sql`delete from ${sql.table(table)} where ${mine}`.execute(db);
  });
  // A lapsed lease tells more than a failed release (the lease is gone either way).
  return renewalError === undefined ? outcome : { ...outcome, releaseError: renewalError };
}

/** SQLite's locks: rows by a no-op UPDATE (the write lock), names by leases. */
export const sqliteLocks: DialectLocks = {
  row: touchRowLock,
  named(db, tables, name, { leaseMs = DEFAULT_LEASE_MS }) {
    const lease = { table: leasesTable(tables), name, leaseMs };
    return (body) => withSqliteLease(db, lease, body);
  },
};
