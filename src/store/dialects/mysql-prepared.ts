import type {
  MysqlPool,
  MysqlPoolConnection,
  MysqlQueryResult,
  MysqlStream,
  MysqlStreamOptions,
} from "kysely";
import type { Pool } from "mysql2";
import { GuestUserError } from "../../shared/errors.ts";
import { errorCode } from "../driver-errors.ts";
import {
  cachedIn,
  type PreparedStatementGate,
  type PreparedStatementWarner,
  transactionAfter,
} from "../prepared-statements.ts";
import { poolGate } from "./pool-options.ts";

type Callback = (error: unknown, result: MysqlQueryResult) => void;
type Streamable = { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> };

/** What we call on a mysql2 pool connection (callback flavour). */
interface Mysql2Connection {
  query(sql: string, values: unknown[], callback: Callback): void;
  query(sql: string, values: unknown[]): Streamable;
  execute(sql: string, values: unknown[], callback: Callback): void;
  release(): void;
}

/**
 * A proxy that mixes server connections (ProxySQL, a statement-level pooler) loses statement
 * handles (1243 ER_UNKNOWN_STMT_HANDLER); a server at `max_prepared_stmt_count` refuses new
 * ones (1461 ER_MAX_PREPARED_STMT_COUNT_REACHED). Either way: plain queries from then on.
 */
const POOLER_ERRORS = new Set<unknown>([
  "ER_UNKNOWN_STMT_HANDLER",
  "ER_MAX_PREPARED_STMT_COUNT_REACHED",
  1243,
  1461,
]);

const FIX =
  "Pass `preparedStatements: false` to createGuestUsers() to silence this warning, or raise the server's max_prepared_stmt_count.";

/**
 * Wraps a mysql2 pool for Kysely's `MysqlDialect` so guest-user's hot statements run through
 * mysql2's `execute` (server-side prepared statements, cached per connection); every other
 * query passes through unchanged. If the server or a proxy refuses prepared statements, they
 * are switched off for this pool with one warning and the statement runs again as a plain
 * query (outside a transaction).
 *
 * @example
 * ```ts
 * import { Kysely, MysqlDialect } from "kysely";
 * import { createPool } from "mysql2";
 * import { preparedStatementMysqlPool } from "guest-user/mysql";
 * const pool = createPool({ uri: process.env.DATABASE_URL, supportBigNumbers: true });
 * const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool: preparedStatementMysqlPool(pool) }) });
 * ```
 */
export function preparedStatementMysqlPool(
  pool: Pool,
  options: { readonly logger?: PreparedStatementWarner } = {},
): MysqlPool {
  const gate = poolGate(options, "preparedStatementMysqlPool()", FIX);
  // One wrapper per connection: Kysely keys its connection objects by what it gets.
  const wrappers = new WeakMap<object, MysqlPoolConnection>();
  return {
    getConnection(callback) {
      pool.getConnection((error, connection) => {
        if (error) return callback(error, connection as unknown as MysqlPoolConnection);
        const mysql2 = connection as unknown as Mysql2Connection;
        callback(
          null,
          cachedIn(wrappers, connection, () => preparedStatementConnection(mysql2, gate)),
        );
      });
    },
    end: (callback) => pool.end(callback),
  };
}

function preparedStatementConnection(
  connection: Mysql2Connection,
  gate: PreparedStatementGate,
): MysqlPoolConnection {
  let inTransaction = false;
  function query(sql: string, parameters: unknown[]): Streamable;
  function query(sql: string, parameters: unknown[], callback: Callback): void;
  function query(sql: string, parameters: unknown[], callback?: Callback) {
    if (!callback) return connection.query(sql, parameters);
    inTransaction = transactionAfter(sql, inTransaction);
    if (gate.nameOf(sql) === undefined) return connection.query(sql, parameters, callback);
    connection.execute(sql, parameters, (error, result) => {
      if (!error || !POOLER_ERRORS.has(errorCode(error))) return callback(error, result);
      gate.switchOff(error);
      if (!inTransaction) return connection.query(sql, parameters, callback);
      callback(
        new GuestUserError(
          "DATABASE_UNAVAILABLE",
          `A prepared statement failed inside a transaction. Prepared statements are now off for this database, so trying again works. ${FIX}`,
          { cause: error },
        ),
        result,
      );
    });
  }
  return {
    query,
    release() {
      inTransaction = false;
      connection.release();
    },
  };
}
