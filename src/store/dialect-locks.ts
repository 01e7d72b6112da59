import type { Kysely } from "kysely";
import type { UserId } from "../shared/ids.ts";
import type { Tables } from "./tables.ts";

/**
 * What running a body under a lock that may be taken came to: `acquired: false` when another
 * holder had it (the body did not run). `releaseError` is a failure to let go of the lock
 * after the body ran (the lock then lapses with its connection or lease).
 */
export type LockOutcome<T> =
  | { readonly acquired: true; readonly value: T; readonly releaseError?: unknown }
  | { readonly acquired: false };

/**
 * Runs `body` under a lock already taken, then `release`s it: a failed release after a
 * successful body is the outcome's `releaseError`; after a failed body, the body's error wins.
 * @example
 * ```ts
 * return releasedAfter(body, () => sql`select release_lock(${name})`.execute(connection));
 * ```
 */
export async function releasedAfter<T>(
  body: () => Promise<T>,
  release: () => Promise<unknown>,
): Promise<LockOutcome<T> & { readonly acquired: true }> {
  let value: T;
  try {
    value = await body();
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  try {
    await release();
    return { acquired: true, value };
  } catch (releaseError) {
    return { acquired: true, value, releaseError };
  }
}

/** Runs `body` while holding a named lock, or not at all when someone else holds it. */
export type TryLock = <T>(body: () => Promise<T>) => Promise<LockOutcome<T>>;

/** Options of a named database lock (`databaseLock()`). */
export interface DatabaseLockOptions {
  /**
   * SQLite only: milliseconds a lease lasts without renewal (it is renewed every third of
   * that while the body runs), so a crashed holder's lease lapses after at most this long.
   * @default 60000
   */
  readonly leaseMs?: number;
}

/**
 * The row a transaction locks by its key: `key = id` in `table`. `touch` is a column SQLite
 * sets to itself (a no-op write that takes the write lock).
 * @example
 * ```ts
 * const row: LockedRow = { table: "guest_user_guests", key: "user_id", touch: "last_seen_at" };
 * ```
 */
export interface LockedRow {
  readonly table: string;
  readonly key: string;
  readonly touch: string;
}

/** How each database locks: one row for a transaction, or a named lock across processes. */
export interface DialectLocks {
  /**
   * Locks the row `row.key = id` for the rest of the transaction `trx`; false when there is
   * none. SQLite: a no-op UPDATE, so the transaction takes the write lock with its first
   * statement (a read first could fail with SQLITE_BUSY when it later writes). Elsewhere
   * SELECT ... FOR UPDATE: a concurrent transaction on the same row waits for this one.
   */
  row(trx: Kysely<unknown>, row: LockedRow, id: UserId): Promise<boolean>;
  /**
   * A lock named `name` shared by every process on the same database and table prefix, that
   * never waits (see `databaseLock()` for each database's mechanism).
   */
  named(db: Kysely<unknown>, tables: Tables, name: string, options: DatabaseLockOptions): TryLock;
}
