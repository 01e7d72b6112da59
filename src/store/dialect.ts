import { type Kysely, MysqlAdapter, PostgresAdapter, SqliteAdapter } from "kysely";
import { InvalidConfigError } from "../shared/errors.ts";
import type { Tables } from "./tables.ts";

/** The databases we support. */
export type DialectName = "sqlite" | "postgres" | "mysql";

/** A Kysely instance with an unknown schema: our queries name their tables at run time. */
export type Db = Kysely<unknown>;

/** One batch of the clean-up: which guests, by which column, older than what. */
export interface ExpiredBatch {
  readonly tables: Tables;
  /** `created_at` or `last_seen_at` of the guests table. */
  readonly column: "created_at" | "last_seen_at";
  /** Milliseconds since the epoch: guests strictly older are expired. */
  readonly cutoff: number;
  readonly limit: number;
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
   * Deletes up to `limit` expired guest USERS (their guest rows and sessions cascade) in one
   * atomic step, skipping guests that a concurrent conversion holds; returns how many users
   * went. Never touches a user without a guest row.
   */
  deleteExpiredBatch(db: Db, batch: ExpiredBatch): Promise<number>;
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
