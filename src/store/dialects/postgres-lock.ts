import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../dialect.ts";
import type { DialectLocks, LockOutcome } from "../dialect-locks.ts";
import { selectForUpdateRowLock } from "./row-locks.ts";

/**
 * Runs `body` if the advisory lock of `name` is free. The lock is TRANSACTION-scoped and
 * taken in a transaction of its own, which stays open (idle, no row touched, no snapshot
 * held) on one connection while `body` runs on others; its end releases the lock, so no
 * pooled connection can ever keep it by accident, and the transaction pins the connection
 * behind PgBouncer's transaction pooling too. A connection that dies frees it at once.
 * `body`'s own writes are NOT in this transaction: they commit as they go.
 *
 * @example
 * ```ts
 * const outcome = await withPostgresLock(db, "guest_user_guests:cleanup", () => work());
 * ```
 */
export async function withPostgresLock<T>(
  db: Db,
  name: string,
  body: () => Promise<T>,
): Promise<LockOutcome<T>> {
  // The advisory-lock key: the first 64 bits of the name's SHA-256, as the signed decimal
  // bigint PostgreSQL takes (advisory locks are per database: the name need not say which).
  const key = createHash("sha256").update(`guest-user:${name}`).digest().readBigInt64BE(0);
  let outcome = { acquired: false } as LockOutcome<T>;
  try {
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${key.toString()}::bigint) as locked`.execute(trx);
      if (rows[0]?.locked === true) outcome = { acquired: true, value: await body() };
    });
  } catch (error) {
    // The body ran; only the COMMIT that ends the lock failed: the lock went with its connection.
    if (outcome.acquired) return { ...outcome, releaseError: error };
    throw error;
  }
  return outcome;
}

/** PostgreSQL's locks: rows by SELECT ... FOR UPDATE, names by transaction advisory locks. */
export const postgresLocks: DialectLocks = {
  row: selectForUpdateRowLock,
  named: (db, tables, name) => (body) => withPostgresLock(db, `${tables.guests}:${name}`, body),
};
