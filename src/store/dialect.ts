import {
  type Kysely,
  MysqlAdapter,
  PostgresAdapter,
  type QueryResult,
  type RawBuilder,
  SqliteAdapter,
} from "kysely";
import { InvalidConfigError } from "../shared/errors.ts";
import type { UserId } from "../shared/ids.ts";
import type { DialectLocks } from "./dialect-locks.ts";
import type { DialectMigrations } from "./dialect-migrations.ts";
import type { DialectUsernames } from "./dialect-usernames.ts";
import type { RetentionCutoffs } from "./retention.ts";
import type { Tables } from "./tables.ts";

/** The rows a write statement changed. */
export const affectedRows = (result: QueryResult<unknown>): number =>
  Number(result.numAffectedRows ?? 0n);

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
  /** The retention rule of this run (the batch's guests: `pickExpired()`). */
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
  readonly columns: DialectColumns;
  /** How an app's own users table compares usernames (collations, indexes). */
  readonly usernames: DialectUsernames;
  /**
   * Runs `insert` (one row) and tells the new row's `idColumn`: by `RETURNING` where the
   * database has it, else (MySQL) the auto-increment id the driver reports.
   */
  insertReturningId(db: Db, insert: RawBuilder<unknown>, idColumn: string): Promise<InsertedId>;
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
   * Takes the write lock of a transaction before it reads what it will delete: SQLite's
   * no-op write (see {@link DialectLocks.row}); elsewhere nothing (`forUpdate` locks rows).
   */
  lockForWrite(trx: Db, tables: Tables): Promise<void>;
  /** `FOR UPDATE` (or nothing on SQLite, where the transaction holds the only write lock). */
  readonly forUpdate: RawBuilder<unknown>;
  /**
   * This database in the session cache's error when no channel can tell every server of a
   * revocation: why it has no LISTEN/NOTIFY connection for us (PostgreSQL: only when the app
   * passed a Kysely instance it built).
   */
  readonly withoutListen: string;
  readonly migrations: DialectMigrations;
  readonly locks: DialectLocks;
  readonly batches: DialectBatches;
  readonly upserts: DialectUpserts;
  /**
   * The one-shot guest creation for users written by the default table store on `db` (user,
   * guest and session rows and the funnel counter: PostgreSQL in ONE statement, SQLite in one
   * synchronous transaction on a database guest-user opened), or null (the factory, or its
   * answer for this `db`) where a transaction of several statements does it (MySQL, an app's
   * own Kysely instance on SQLite).
   */
  readonly guestInsert: ((tables: Tables, db: Db) => GuestInsert | null) | null;
}

/** Column types and values that differ. */
export interface DialectColumns {
  /** The column type of the guests' extra data. */
  readonly jsonType: string;
  /** A boolean column's value: PostgreSQL a boolean, SQLite and MySQL/MariaDB 1 or 0. */
  boolean(on: boolean): boolean | number;
  /** The size in bytes of a JSON column's stored text, 0 for null. */
  jsonByteLength(column: RawBuilder<unknown>): RawBuilder<unknown>;
}

/** The id of an inserted row (see `insertReturningId`); `autoIncrement` may be undefined. */
export type InsertedId =
  | { readonly returned: unknown }
  | { readonly autoIncrement: bigint | undefined };

/** How the clean-up batches its work on a database. */
export interface DialectBatches {
  /** Guests deleted per batch when the caller gives no `batchSize`. */
  readonly defaultDeleteSize: number;
  /**
   * The driver runs on the event loop (better-sqlite3): count guests in slices with a breath
   * between, and size the deletion batches by how long they take (when no `batchSize` is
   * given), so that a web server running the clean-up keeps answering.
   */
  readonly onEventLoop: boolean;
}

/** How an INSERT becomes an upsert on each database. */
export interface DialectUpserts {
  /**
   * The clause after an INSERT that updates the row with the same unique `keys` instead:
   * `on conflict (keys) do update set <set>`, or MySQL's `on duplicate key update <set>`
   * (which takes the table's unique keys itself).
   */
  onConflict(keys: RawBuilder<unknown>, set: RawBuilder<unknown>): RawBuilder<unknown>;
  /**
   * In an upsert's `set`, `column` of `table` plus what the INSERT tried to write there:
   * `excluded.column`, or `count` again on MySQL.
   */
  addInserted(
    table: RawBuilder<unknown>,
    column: RawBuilder<unknown>,
    count: unknown,
  ): RawBuilder<unknown>;
}

/** What one guest creation writes: its user, guest and (optionally) session rows. */
export interface NewGuest {
  readonly username: string;
  /** Milliseconds since the epoch: the user's, guest's and session's creation time. */
  readonly now: number;
  /** The guest's extra data (`GuestData`), or null. */
  readonly data: { readonly [key: string]: unknown } | null;
  /** The browser's creation key (unique among guests), or null. */
  readonly creationKey: string | null;
  /** The session row to write with it (the token's public id and secret hash), or null. */
  readonly session: {
    readonly id: string;
    readonly secretHash: string;
    readonly expiresAt: number;
  } | null;
}

/**
 * Writes a guest in one statement; returns the new user's id. Lets the driver's unique
 * violation through (nothing written then).
 */
export type GuestInsert = (db: Db, guest: NewGuest) => Promise<UserId>;

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
