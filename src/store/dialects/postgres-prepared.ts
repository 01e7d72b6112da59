import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";
import type { Pool } from "pg";
import { GuestUserError } from "../../shared/errors.ts";
import { errorCode } from "../driver-errors.ts";
import { cachedIn, type PreparedStatementGate, transactionAfter } from "../prepared-statements.ts";
import { type PreparedStatementPoolOptions, poolGate } from "./pool-options.ts";

/** What we call on a pg client: pg's named statements, plain queries, Kysely's cursors. */
interface PgClient {
  query(config: {
    readonly name: string;
    readonly text: string;
    readonly values: unknown[];
  }): Promise<PostgresQueryResult<unknown>>;
  query(text: string, values: unknown[]): Promise<PostgresQueryResult<unknown>>;
  query(cursor: object): unknown;
  release(destroy?: boolean): void;
}

/**
 * 26000 "prepared statement ... does not exist" and 42P05 "... already exists": what a pooler
 * mixing server connections (PgBouncer in transaction or statement mode without
 * `max_prepared_statements`) does to named statements. A name always stands for the same text
 * (it is a hash of it), so the worst it can do is this error, never a wrong result.
 */
const POOLER_ERRORS = new Set(["26000", "42P05"]);

const FIX =
  "To keep them (faster session lookups), set `max_prepared_statements` in pgbouncer.ini (PgBouncer 1.21 or newer); or pass `preparedStatements: false` to createGuestUsers() to silence this warning.";

/**
 * Wraps a `pg` Pool for Kysely's `PostgresDialect` so guest-user's hot statements (the session
 * lookup and refresh) run as named statements: PostgreSQL parses and plans each once per
 * connection instead of on every request. Every other query, and Kysely's streaming cursors,
 * pass through unchanged. Use it when you give guest-user a Kysely instance of your own
 * (guest-user wraps the pools it gets itself). If a pooler in between makes a named statement
 * fail (26000 or 42P05), named statements are switched off for this pool, one warning is
 * logged and the statement runs again unnamed (outside a transaction; inside one it fails with
 * `DATABASE_UNAVAILABLE` and the next attempt works).
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from "kysely";
 * import pg from "pg";
 * import { preparedStatementPool } from "guest-user/postgres";
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparedStatementPool(pool) }) });
 * ```
 */
export function preparedStatementPool(
  pool: Pool,
  options: PreparedStatementPoolOptions = {},
): PostgresPool {
  const gate = poolGate(options, "preparedStatementPool()", FIX);
  // One wrapper per pg client: Kysely keys its connection objects by the client it gets.
  const wrappers = new WeakMap<object, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      const pg = client as unknown as PgClient;
      return cachedIn(wrappers, client, () => preparedClient(pg, gate));
    },
    end: () => pool.end(),
  };
}

/** A thin client for Kysely: named statements for marked texts, the rest passed through. */
function preparedClient(client: PgClient, gate: PreparedStatementGate): PostgresPoolClient {
  let inTransaction = false;
  const named = async (name: string, text: string, values: unknown[]) => {
    try {
      return await client.query({ name, text, values });
    } catch (error) {
      if (!POOLER_ERRORS.has(String(errorCode(error)))) throw error;
      gate.switchOff(error);
      if (inTransaction) {
        throw new GuestUserError(
          "DATABASE_UNAVAILABLE",
          `A prepared statement failed inside a transaction: a connection pooler does not keep prepared statements. They are now off for this database, so trying again works. ${FIX}`,
          { cause: error },
        );
      }
      return client.query(text, values);
    }
  };
  function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(sql: string | PostgresCursor<R>, parameters?: readonly unknown[]) {
    if (typeof sql !== "string") return client.query(sql);
    const values = [...(parameters ?? [])];
    inTransaction = transactionAfter(sql, inTransaction);
    const name = gate.nameOf(sql);
    return name === undefined ? client.query(sql, values) : named(name, sql, values);
  }
  return {
    query,
    release(destroy) {
      inTransaction = false;
      client.release(destroy);
    },
  };
}
