import { Kysely, MysqlDialect, type MysqlPool, type MysqlPoolConnection, sql } from "kysely";
import type { Pool } from "mysql2";
import type { UserId } from "../../shared/ids.ts";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { loadPeer } from "../../shared/optional-peer.ts";
import type { Db, DialectQuirks } from "../dialect.ts";
import { registerDirectRead } from "../direct-reads.ts";
import { errorCode, isNetworkError } from "../driver-errors.ts";
import { deleteCounted, deletePicked } from "../expired-batch.ts";
import type { PreparedStatementWarner } from "../prepared-statements.ts";
import { mysqlLocks } from "./mysql-lock.ts";
import { mysqlMigrations } from "./mysql-migrations.ts";
import { preparedStatementMysqlPool } from "./mysql-prepared.ts";
import { DATABASE_ENTRIES, databasePool } from "./pool-options.ts";
import { onDuplicateKeyUpserts } from "./upserts.ts";
import { mysqlUsernames } from "./username-collations.ts";

/** A mysql2 pool, callback flavour (`mysql2`) or promise flavour (`mysql2/promise`). */
export type MysqlPoolSource = Pool | { readonly pool: Pool };

export { preparedStatementMysqlPool };

/** What {@link mysqlDatabase} takes besides the source. */
export interface MysqlDatabaseOptions {
  /**
   * The most connections of a pool made from a URL (a pool you pass keeps its own).
   * @default 10
   * @example max: 20
   */
  readonly max?: number;
  /**
   * Run the hot statements (session lookup and refresh, guest creation) through mysql2's
   * `execute`: server-side prepared statements, parsed once per connection. If the server or
   * a proxy refuses them, they switch themselves off with one warning.
   * @default true
   * @example preparedStatements: false
   */
  readonly preparedStatements?: boolean;
  /**
   * Where the one warning goes.
   * @default console
   * @example logger: { warn: (message) => log.warn(message) }
   */
  readonly logger?: PreparedStatementWarner;
}

const DATABASE_OPTIONS = optionBag(DATABASE_ENTRIES satisfies EntriesOf<MysqlDatabaseOptions>);

/**
 * Connects to MySQL or MariaDB through a `mysql2` pool: pass a connection URL, or a pool you
 * made (we then never end it).
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * import { mysqlDatabase } from "guest-user/mysql";
 * const guestUsers = createGuestUsers({ database: mysqlDatabase("mysql://root@127.0.0.1/app") });
 * ```
 */
export function mysqlDatabase(
  source: string | MysqlPoolSource,
  options: MysqlDatabaseOptions = {},
) {
  const parsed = parseOptions(DATABASE_OPTIONS, options, "mysqlDatabase()");
  const app = typeof source !== "string" && "pool" in source ? source.pool : source;
  const pool = databasePool(app, parsed, preparedStatementMysqlPool, async (uri, max) => {
    const mysql = await loadPeer<typeof import("mysql2")>("mysql2");
    return mysql.createPool({ uri, connectionLimit: max, supportBigNumbers: true });
  });
  const kysely = new Kysely<unknown>({ dialect: new MysqlDialect({ pool }) });
  registerDirectRead(kysely, async (text, values) => {
    const connection = await new Promise<MysqlPoolConnection>((resolve, reject) =>
      pool().then(
        (opened) =>
          (opened as MysqlPool).getConnection((error, got) =>
            error ? reject(error) : resolve(got),
          ),
        reject,
      ),
    );
    try {
      return await new Promise<unknown[]>((resolve, reject) =>
        connection.query(text, [...values], (error, result) =>
          error ? reject(error) : resolve(result as unknown as unknown[]),
        ),
      );
    } finally {
      connection.release();
    }
  });
  return kysely;
}

const CONNECTION_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "ER_ACCESS_DENIED_ERROR",
  "ER_DBACCESS_DENIED_ERROR",
  "ER_ACCESS_DENIED_NO_PASSWORD_ERROR",
  "ER_BAD_DB_ERROR",
  "ER_CON_COUNT_ERROR",
]);

/**
 * MySQL's differences: no LIMIT inside an IN subquery, so a batch is two statements in one
 * transaction: lock the batch's guest rows (SKIP LOCKED: a converting guest is skipped and
 * several cleaners share the work), then delete exactly those users.
 */
export const mysqlQuirks: DialectQuirks = {
  name: "mysql",
  columns: {
    jsonType: "json",
    boolean: (on) => (on ? 1 : 0),
    jsonByteLength: (column) => sql`coalesce(length(${column}), 0)`,
  },
  usernames: mysqlUsernames,
  async insertReturningId(db, insert) {
    const result = await insert.execute(db);
    return { autoIncrement: result.insertId };
  },
  forUpdate: sql`for update`,
  isUniqueViolation: (error) => errorCode(error) === "ER_DUP_ENTRY" || errorCode(error) === 1062,
  isConnectionError(error) {
    const code = errorCode(error);
    return isNetworkError(error) || (typeof code === "string" && CONNECTION_CODES.has(code));
  },
  inList: (column, ids) =>
    ids.length === 0 ? sql`0 = 1` : sql`${column} in (${sql.join([...ids])})`,
  async lockForWrite() {},
  locks: mysqlLocks,
  migrations: mysqlMigrations,
  withoutListen: "MySQL/MariaDB (no LISTEN/NOTIFY)",
  batches: { defaultDeleteSize: 1000, onEventLoop: false },
  upserts: onDuplicateKeyUpserts,
  guestInsert: null,
  deleteExpiredBatch(db, batch) {
    const { users } = batch.tables;
    // The rows are locked: they are guests until we commit. Delete exactly those users.
    const remove = (trx: Db, ids: readonly UserId[]) =>
      deleteCounted(
        trx,
        sql`delete from ${sql.table(users.table)} where ${mysqlQuirks.inList(sql.ref(users.id), ids)}`,
        batch,
      );
    const lock = sql`for update skip locked`;
    return deletePicked(db, mysqlQuirks, batch, lock, batch.beforeDelete ? undefined : remove);
  },
};
