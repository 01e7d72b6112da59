import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";
import type { Pool } from "pg";
import { GuestUserError } from "../../shared/errors.ts";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { errorCode } from "../driver-errors.ts";
import {
  cachedIn,
  PreparedStatementGate,
  type PreparedStatementWarner,
  transactionAfter,
} from "../prepared-statements.ts";
import { PREPARED_POOL_ENTRIES } from "./pool-options.ts";

/** What {@link preparedStatementPool} takes besides the pool. */
export interface PreparedStatementPoolOptions {
  /**
   * Where the one warning goes when a connection pooler makes prepared statements fail.
   * @default console
   * @example logger: { warn: (message) => log.warn(message) }
   */
  readonly logger?: PreparedStatementWarner;
}

const POOL_OPTIONS = optionBag(
  PREPARED_POOL_ENTRIES satisfies EntriesOf<PreparedStatementPoolOptions>,
);

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
  const { logger } = parseOptions(POOL_OPTIONS, options, "preparedStatementPool()");
  const gate = new PreparedStatementGate(true, logger, FIX);
  // One wrapper per pg client: Kysely keys its connection objects by the client it gets.
  const wrappers = new WeakMap<object, PreparedStatementClient>();
  return {
    async connect() {
      const client = await pool.connect();
      const pg = client as unknown as PgClient;
      return cachedIn(wrappers, client, () => new PreparedStatementClient(pg, gate));
    },
    end: () => pool.end(),
  };
}

/** A thin client for Kysely: named statements for marked texts, the rest passed through. */
class PreparedStatementClient implements PostgresPoolClient {
  readonly #client: PgClient;
  readonly #gate: PreparedStatementGate;
  #inTransaction = false;

  constructor(client: PgClient, gate: PreparedStatementGate) {
    this.#client = client;
    this.#gate = gate;
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sql: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sql !== "string") return this.#client.query(sql) as PostgresCursor<R>;
    const values = [...(parameters ?? [])];
    this.#inTransaction = transactionAfter(sql, this.#inTransaction);
    const name = this.#gate.nameOf(sql);
    if (name === undefined) {
      return this.#client.query(sql, values) as Promise<PostgresQueryResult<R>>;
    }
    return this.#named(name, sql, values) as Promise<PostgresQueryResult<R>>;
  }

  async #named(name: string, text: string, values: unknown[]) {
    try {
      return await this.#client.query({ name, text, values });
    } catch (error) {
      if (!POOLER_ERRORS.has(String(errorCode(error)))) throw error;
      this.#gate.switchOff(error);
      if (this.#inTransaction) {
        throw new GuestUserError(
          "DATABASE_UNAVAILABLE",
          `A prepared statement failed inside a transaction: a connection pooler does not keep prepared statements. They are now off for this database, so trying again works. ${FIX}`,
          { cause: error },
        );
      }
      return this.#client.query(text, values);
    }
  }

  release(destroy?: boolean): void {
    this.#inTransaction = false;
    this.#client.release(destroy);
  }
}
