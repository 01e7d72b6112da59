import { Kysely, PostgresDialect, type PostgresPool, sql } from "kysely";
import type { Pool } from "pg";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { loadPeer } from "../../shared/optional-peer.ts";
import type { DialectQuirks } from "../dialect.ts";
import { registerDirectRead } from "../direct-reads.ts";
import { errorCode, isNetworkError } from "../driver-errors.ts";
import { deletePicked, pickExpired } from "../expired-batch.ts";
import type { PreparedStatementWarner } from "../prepared-statements.ts";
import { toMillis } from "../user-store.ts";
import {
  DATABASE_ENTRIES,
  databasePool,
  type PreparedStatementPoolOptions,
} from "./pool-options.ts";
import { postgresGuestInsert } from "./postgres-guest-insert.ts";
import { postgresLocks } from "./postgres-lock.ts";
import { postgresMigrations } from "./postgres-migrations.ts";
import { preparedStatementPool } from "./postgres-prepared.ts";
import { returningId } from "./returning-id.ts";
import { onConflictUpserts } from "./upserts.ts";
import { postgresUsernames } from "./username-collations.ts";

export { type PreparedStatementPoolOptions, preparedStatementPool };

/** What {@link postgresDatabase} takes besides the source. */
export interface PostgresDatabaseOptions {
  /**
   * The most connections of a pool made from a URL (a `Pool` you pass keeps its own).
   * @default 10
   * @example max: 20
   */
  readonly max?: number;
  /**
   * Run the hot statements (session lookup and refresh, guest creation) as named prepared
   * statements: parsed and planned once per connection instead of on every request. Safe
   * behind PgBouncer: if it does not keep prepared statements, they switch themselves off
   * with one warning (see `preparedStatements` of createGuestUsers()).
   * @default true
   * @example preparedStatements: false
   */
  readonly preparedStatements?: boolean;
  /**
   * Where the one warning about a pooler goes.
   * @default console
   * @example logger: { warn: (message) => log.warn(message) }
   */
  readonly logger?: PreparedStatementWarner;
}

const DATABASE_OPTIONS = optionBag(DATABASE_ENTRIES satisfies EntriesOf<PostgresDatabaseOptions>);

/**
 * Connects to PostgreSQL through a `pg` pool: pass a connection URL, or a `Pool` you made
 * (we then never end it: that stays yours).
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * import { postgresDatabase } from "guest-user/postgres";
 * const guestUsers = createGuestUsers({ database: postgresDatabase(process.env.DATABASE_URL!) });
 * ```
 */
export function postgresDatabase(source: string | Pool, options: PostgresDatabaseOptions = {}) {
  const parsed = parseOptions(DATABASE_OPTIONS, options, "postgresDatabase()");
  const pool = databasePool(source, parsed, preparedStatementPool, async (url, max) => {
    const pg = await loadPeer<typeof import("pg")>("pg");
    const created = new pg.default.Pool({ connectionString: url, max });
    // An idle client losing its server must not crash the process; the next query reconnects.
    created.on("error", () => {});
    // A client losing its server mid-transaction emits "error" too: without a listener Node
    // would crash the process. The query itself already rejected (DATABASE_UNAVAILABLE).
    created.on("connect", (client) => client.on("error", () => {}));
    return created;
  });
  const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  registerDirectRead(kysely, async (text, values) => {
    const client = await ((await pool()) as PostgresPool).connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      client.release();
    }
  });
  return kysely;
}

/**
 * The server cannot be used: connection exceptions (08xxx), an administrator's shutdown
 * (57P01), a missing database (3D000), a refused login (28000 unknown role, 28P01 password).
 */
const UNUSABLE = /^(08...|57P01|3D000|28000|28P01)$/;

/** PostgreSQL's differences: several cleaners share the work with FOR UPDATE SKIP LOCKED. */
export const postgresQuirks: DialectQuirks = {
  name: "postgres",
  columns: {
    jsonType: "jsonb",
    boolean: (on) => on,
    jsonByteLength: (column) => sql`coalesce(octet_length(${column}::text), 0)`,
  },
  usernames: postgresUsernames,
  insertReturningId: returningId,
  forUpdate: sql`for update`,
  isUniqueViolation: (error) => errorCode(error) === "23505",
  isConnectionError(error) {
    const code = errorCode(error);
    return isNetworkError(error) || (typeof code === "string" && UNUSABLE.test(code));
  },
  // One array parameter, whatever the length (the driver sends a JS array as a PG array).
  inList: (column, ids) => sql`${column} = any(${ids})`,
  async lockForWrite() {},
  locks: postgresLocks,
  migrations: postgresMigrations,
  withoutListen: "a Kysely instance you built (we cannot open a LISTEN connection from it)",
  batches: { defaultDeleteSize: 5000, onEventLoop: false },
  upserts: onConflictUpserts,
  guestInsert: (tables) => postgresGuestInsert(tables, onConflictUpserts),
  async deleteExpiredBatch(db, batch) {
    const lock = sql`for update skip locked`;
    if (batch.beforeDelete) return deletePicked(db, postgresQuirks, batch, lock);
    const { users } = batch.tables;
    // ONE statement picks, deletes and counts (a data-modifying CTE always runs to completion,
    // and the statement is atomic). `picked` is read twice, so it is evaluated (and its rows
    // locked) once.
    const bump = batch.afterDelete?.(sql`(select count(*) from deleted_users)`);
    const { rows } = await sql<{ n: unknown; last: unknown }>`
      with picked as (${pickExpired(batch, lock)}),
      deleted_users as (
        delete from ${sql.table(users.table)} where ${sql.ref(users.id)} = any(array(select user_id from picked))
        returning 1)${bump ? sql`, counted as (${bump})` : sql``}
      select (select count(*) from deleted_users) as n,
        (select max(scan_at) from picked) as last`.execute(db);
    return { deleted: Number(rows[0]?.n ?? 0), last: toMillis(rows[0]?.last) };
  },
};
