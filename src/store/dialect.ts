import {
  type Kysely,
  MysqlAdapter,
  PostgresAdapter,
  type RawBuilder,
  SqliteAdapter,
  sql,
} from "kysely";
import { InvalidConfigError } from "../shared/errors.ts";
import type { UserId } from "../shared/ids.ts";
import type { RetentionCutoffs } from "./retention.ts";
import type { Tables } from "./tables.ts";

/** The databases we support. */
export type DialectName = "sqlite" | "postgres" | "mysql";

/** A Kysely instance with an unknown schema: our queries name their tables at run time. */
export type Db = Kysely<unknown>;

/** What runs inside a deleting transaction besides the DELETE itself. */
export interface DeletionHooks {
  /**
   * Called with the ids about to be deleted, inside the transaction (the app's
   * `beforeDelete`); a throw rolls the whole batch back.
   * @default null (not called)
   */
  readonly beforeDelete?: ((userIds: readonly UserId[], trx: Db) => Promise<void>) | null;
  /**
   * The statement to run inside the transaction after the DELETE, given the number of users
   * it deleted (the funnel's `deleted` counter), or null for none. A statement rather than a
   * callback, so that SQLite can run the whole batch synchronously and PostgreSQL in one
   * statement: there `deleted` is an SQL expression that evaluates to the number.
   * @default null (nothing)
   */
  readonly afterDelete?:
    | ((deleted: number | RawBuilder<unknown>) => RawBuilder<unknown> | null)
    | null;
}

/** One batch of the clean-up: which guests (the retention rule's cutoffs), how many at most. */
export interface ExpiredBatch extends DeletionHooks {
  readonly tables: Tables;
  /**
   * The retention rule of this run: the column, the cutoffs, the app's `keepIf`. Pick the
   * batch with `expiredGuestsCondition(cutoffs, tables.guests)`, order it by `cutoffs.column`.
   */
  readonly cutoffs: RetentionCutoffs;
  readonly limit: number;
  /**
   * Where this run's previous batch stopped (its {@link ExpiredBatchResult.last}): pick only
   * guests whose `cutoffs.column` is at or above it; null scans from the oldest. Deleted rows
   * stay in PostgreSQL's and InnoDB's indexes until vacuum or purge removes them, so a batch
   * that always started from the oldest would step over every row the run already deleted
   * (at a million guests, most of the clean-up's time).
   * @default null
   */
  readonly after?: number | null;
}

/** What one clean-up batch did. */
export interface ExpiredBatchResult {
  /** Users deleted. */
  readonly deleted: number;
  /**
   * The largest `cutoffs.column` value among the guests the batch picked (the next batch's
   * `after`), or null when it picked none: nothing expired is left at or above `after`.
   */
  readonly last: number | null;
}

/** `and column >= after` when the batch resumes a scan, else nothing (see `ExpiredBatch.after`). */
export function resumeAfter(batch: ExpiredBatch): RawBuilder<unknown> {
  const { after } = batch;
  if (after === undefined || after === null) return sql``;
  return sql`and ${sql.ref(`${batch.tables.guests}.${batch.cutoffs.column}`)} >= ${after}`;
}

/** The largest of the positions a batch picked, or null for none (see `ExpiredBatchResult`). */
export function lastPosition(positions: readonly unknown[]): number | null {
  let last: number | null = null;
  for (const position of positions) {
    const value = Number(position);
    if (last === null || value > last) last = value;
  }
  return last;
}

/**
 * What differs between the databases, kept in one narrow interface so that every other query
 * is written once. Each dialect folder implements it.
 */
export interface DialectQuirks {
  readonly name: DialectName;
  /** A duplicate key error (the username was taken meanwhile). */
  isUniqueViolation(error: unknown): boolean;
  /** The server is down, unreachable, or went away mid-query. */
  isConnectionError(error: unknown): boolean;
  /** The column type of the guests' extra data. */
  readonly jsonType: string;
  /**
   * Deletes up to `limit` expired guest USERS (their guest rows and sessions cascade) in ONE
   * transaction: picks their ids (skipping guests that a concurrent conversion holds), runs
   * `beforeDelete` with them, deletes them, runs `afterDelete` with the count; returns how
   * many users went and where the scan stopped. Never touches a user without a guest row.
   */
  deleteExpiredBatch(db: Db, batch: ExpiredBatch): Promise<ExpiredBatchResult>;
  /**
   * `column IN (ids)` in this database's cheapest form for a list of any length (PostgreSQL:
   * one array parameter; SQLite: one JSON parameter; MySQL: a parameter per id). An empty
   * list matches nothing.
   */
  inList(column: RawBuilder<unknown>, ids: readonly UserId[]): RawBuilder<unknown>;
  /**
   * Takes the write lock of a transaction before it reads what it will delete. SQLite: a
   * no-op write (a read first could fail with SQLITE_BUSY when it later writes). Elsewhere a
   * no-op: rows are locked by the SELECT ... FOR UPDATE that picks them.
   */
  lockForWrite(trx: Db, tables: Tables): Promise<void>;
  /** `FOR UPDATE` (or nothing on SQLite, where the transaction holds the only write lock). */
  readonly forUpdate: RawBuilder<unknown>;
}

/**
 * Deletes the users of `ids` that still have a guest row, inside the caller's transaction:
 * `beforeDelete` first, then one DELETE (sessions, guest rows and the app's rows cascade),
 * then `afterDelete` with the number deleted. Returns that number.
 *
 * @example
 * ```ts
 * await db.transaction().execute((trx) => deleteGuestUsers(trx, quirks, tables, ids, hooks));
 * ```
 */
export async function deleteGuestUsers(
  trx: Db,
  quirks: DialectQuirks,
  tables: Tables,
  ids: readonly UserId[],
  hooks: DeletionHooks,
): Promise<number> {
  if (ids.length === 0) return 0;
  await hooks.beforeDelete?.(ids, trx);
  const { users, guests } = tables;
  // Checked again at the DELETE: beforeDelete may have touched guest rows, and a user whose
  // guest row is gone (converted) is a registered user, never to be deleted here.
  const result = await sql`delete from ${sql.table(users.table)} where ${sql.ref(users.id)} in (
    select user_id from ${sql.table(guests)} where ${quirks.inList(sql.ref("user_id"), ids)})`.execute(
    trx,
  );
  const deleted = Number(result.numAffectedRows ?? 0n);
  await hooks.afterDelete?.(deleted)?.execute(trx);
  return deleted;
}

/** Tells the dialect of a Kysely instance the app built itself. */
export function dialectOf(db: Db): DialectName {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof PostgresAdapter) return "postgres";
  if (adapter instanceof MysqlAdapter) return "mysql";
  if (adapter instanceof SqliteAdapter) return "sqlite";
  throw new InvalidConfigError(
    "database",
    "the Kysely instance uses a dialect we do not support: use SqliteDialect, PostgresDialect or MysqlDialect",
  );
}

/** Reads a driver error's `code` or `errno` without trusting its shape. */
export function errorCode(error: unknown): string | number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === "string") return code;
  if (typeof errno === "number") return errno;
  return undefined;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
]);

/** Network-level failures common to every networked driver. */
export function isNetworkError(error: unknown): boolean {
  const code = errorCode(error);
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (error instanceof AggregateError) return error.errors.some(isNetworkError);
  return (
    error instanceof Error &&
    /Connection terminated|connection.*closed|Cannot enqueue/i.test(error.message)
  );
}
