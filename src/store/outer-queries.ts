import { AsyncLocalStorage } from "node:async_hooks";
import type { DatabaseConnection, Kysely, QueryExecutor } from "kysely";

/** A stretch of code during which queries through an outer Kysely instance are refused. */
interface OuterQueryBlock {
  active: boolean;
  readonly error: () => Error;
  /** The first refusal, thrown again when `body` ends even if `body` caught it. */
  refused?: Error;
}

const outerQueryBlocks = new AsyncLocalStorage<OuterQueryBlock>();

/**
 * Whether a query through an outer Kysely instance would be refused here (inside
 * {@link blockOuterQueries}): reads that skip Kysely's executor (direct-reads.ts) ask first
 * and take the executor's path, which refuses them.
 */
export const outerQueriesBlocked = (): boolean => outerQueryBlocks.getStore()?.active === true;
const GUARDED = Symbol.for("guest-user.outerQueryGuard");

/**
 * Runs `body` (say the `merged` listeners, inside the merge transaction) so that any query
 * it makes through an outer Kysely instance (one {@link openDatabase} returned: not the
 * transaction) fails at once with `error()` instead of waiting for a connection. On SQLite
 * that wait would never end: the one connection is held by the transaction `body` runs in.
 * Queries through the transaction are not affected (they never ask for a connection), nor
 * is work that `body` leaves running after it returns. A refusal that `body` catches still
 * fails the whole call once `body` returns: its work would be incomplete.
 *
 * @example
 * ```ts
 * await db.transaction().execute((trx) =>
 *   blockOuterQueries(() => new Error("use trx"), () => listener({ db: trx })),
 * );
 * ```
 */
export async function blockOuterQueries<T>(error: () => Error, body: () => Promise<T>): Promise<T> {
  const block: OuterQueryBlock = { active: true, error };
  try {
    const result = await outerQueryBlocks.run(block, body);
    if (block.refused) throw block.refused;
    return result;
  } finally {
    block.active = false;
  }
}

/**
 * Makes the Kysely instance's own executor refuse to hand out a connection inside
 * {@link blockOuterQueries}. Every query, transaction and `connection()` of the instance asks
 * its executor for one; a transaction's queries go through an executor of their own, bound to
 * the connection it holds, so they are untouched. Idempotent; the instance otherwise works as
 * before.
 */
export function guardOuterQueries(db: Kysely<unknown>): void {
  const executor = db.getExecutor() as QueryExecutor & { [GUARDED]?: true };
  if (executor[GUARDED]) return;
  const provide = executor.provideConnection.bind(executor);
  const guarded = <T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> => {
    const block = outerQueryBlocks.getStore();
    if (block?.active) {
      const error = block.error();
      block.refused ??= error;
      return Promise.reject(error);
    }
    return provide(consumer);
  };
  Object.defineProperty(executor, "provideConnection", { value: guarded, configurable: true });
  Object.defineProperty(executor, GUARDED, { value: true });
}
