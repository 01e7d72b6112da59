import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Database as BetterSqliteDatabase, Statement } from "better-sqlite3";
import { CompiledQuery, Kysely, SqliteDialect, sql } from "kysely";
import { DatabaseUnavailableError, sqliteDirectoryMissing } from "../../shared/database-errors.ts";
import { loadPeer } from "../../shared/optional-peer.ts";
import type { DialectQuirks } from "../dialect.ts";
import { registerDirectRead } from "../direct-reads.ts";
import { errorCode } from "../driver-errors.ts";
import { deleteCounted, deletePicked, pickExpired } from "../expired-batch.ts";
import { returningId } from "./returning-id.ts";
import { sqliteGuestInsert } from "./sqlite-guest-insert.ts";
import { handles, runSynchronously } from "./sqlite-handles.ts";
import { sqliteLocks } from "./sqlite-lease.ts";
import { sqliteMigrations } from "./sqlite-migrations.ts";
import { onConflictUpserts } from "./upserts.ts";
import { sqliteUsernames } from "./username-collations.ts";

/**
 * Opens an embedded SQLite database through better-sqlite3 12, in WAL mode with a busy
 * timeout and foreign keys on (our clean-up relies on ON DELETE CASCADE).
 *
 * @param source a file path, `":memory:"`, or a better-sqlite3 `Database` you opened
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * import { sqliteDatabase } from "guest-user/sqlite";
 * const guestUsers = createGuestUsers({ database: sqliteDatabase("./app.sqlite3") });
 * ```
 */
export function sqliteDatabase(source: string | BetterSqliteDatabase): Kysely<unknown> {
  const open = async (): Promise<BetterSqliteDatabase> => {
    const database = withStatementCache(
      typeof source === "string" ? await openFile(source) : source,
    );
    handles.open(kysely, database);
    return database;
  };
  const kysely = new Kysely<unknown>({
    dialect: new SqliteDialect({
      database: open,
      // On a database we opened ourselves, temporary storage (statement journals: every
      // multi-row DELETE with cascades inside a transaction writes one) stays in memory instead
      // of a temp file: a clean-up batch costs the same in its transaction as alone. (An app's
      // own handle keeps its temp_store: changing it drops temp tables.) The WAL is copied back
      // into the database every 250 pages (1 MiB) instead of 1,000: a checkpoint runs inside the
      // commit that crosses the mark, on the event loop, and at 1,000 pages one took 15-40 ms
      // during a large clean-up; at 250, under 8 ms, for 4% more time.
      async onCreateConnection(connection) {
        const pragmas = ["busy_timeout = 5000", "foreign_keys = ON", "synchronous = NORMAL"];
        if (source !== ":memory:")
          pragmas.unshift("journal_mode = WAL", "wal_autocheckpoint = 250");
        if (typeof source === "string") pragmas.push("temp_store = MEMORY");
        for (const pragma of pragmas)
          await connection.executeQuery(CompiledQuery.raw(`PRAGMA ${pragma}`));
      },
    }),
  });
  handles.made(kysely);
  registerDirectRead(kysely, (text, values) => {
    const handle = handles.get(kysely);
    // Inside a transaction (another request's, on the one connection) the read waits for it
    // through Kysely's connection, as it would without the direct path.
    if (!handle || handle.inTransaction) return undefined;
    return handle.prepare(text).all(values as unknown[]);
  });
  return kysely;
}

/**
 * Opens the file, explaining a missing directory (better-sqlite3 says only "the directory does
 * not exist", with no code and no path).
 */
async function openFile(path: string): Promise<BetterSqliteDatabase> {
  const module = await loadPeer<{ default: typeof import("better-sqlite3") }>("better-sqlite3");
  try {
    return new module.default(path);
  } catch (cause) {
    const directory = dirname(resolve(path));
    if (path === ":memory:" || existsSync(directory)) throw cause;
    throw new DatabaseUnavailableError(cause, {
      reason: "directory-missing",
      message: sqliteDirectoryMissing(directory),
    });
  }
}

/**
 * Kysely's SqliteDriver calls `db.prepare(sql)` for EVERY query, and preparing costs as much
 * as running the hot path's lookup. Same SQL text, same statement (bounded; our queries are
 * never streamed, and Kysely runs one query at a time on its single connection).
 */
export function withStatementCache(db: BetterSqliteDatabase, max = 100): BetterSqliteDatabase {
  const cache = new Map<string, Statement>();
  const prepare = (source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = db.prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(source, statement);
    }
    return statement;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") return prepare;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** SQLite's differences: one writer at a time, so a transaction that writes first is never raced. */
export const sqliteQuirks: DialectQuirks = {
  name: "sqlite",
  columns: {
    jsonType: "text",
    boolean: (on) => (on ? 1 : 0),
    jsonByteLength: (column) => sql`coalesce(length(cast(${column} as blob)), 0)`,
  },
  usernames: sqliteUsernames,
  insertReturningId: returningId,
  forUpdate: sql``,
  isUniqueViolation(error) {
    const code = errorCode(error);
    return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
  },
  isConnectionError(error) {
    const code = errorCode(error);
    return code === "SQLITE_CANTOPEN" || code === "SQLITE_NOTADB";
  },
  inList: (column, ids) =>
    ids.length === 0
      ? sql`0 = 1`
      : sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`,
  locks: sqliteLocks,
  migrations: sqliteMigrations,
  withoutListen: "SQLite (no LISTEN/NOTIFY)",
  batches: { defaultDeleteSize: 1000, onEventLoop: true },
  upserts: onConflictUpserts,
  guestInsert: (tables, db) =>
    handles.owns(db) ? sqliteGuestInsert(tables, onConflictUpserts) : null,
  async lockForWrite(trx, tables) {
    // A write that matches nothing still takes the database's write lock.
    await sql`update ${sql.table(tables.guests)} set last_seen_at = last_seen_at where 0 = 1`.execute(
      trx,
    );
  },
  async deleteExpiredBatch(db, batch) {
    if (batch.beforeDelete) return deletePicked(db, sqliteQuirks, batch, sql``);
    const { users } = batch.tables;
    // SQLite takes deleted rows out of its indexes at once: the next batch has nothing to step
    // over, so the one-statement DELETE returns no resume position (last: null). Reading one
    // (a second pick per batch) cost 20% at 1,000,000 guests.
    const remove = sql`delete from ${sql.table(users.table)} where ${sql.ref(users.id)} in (${pickExpired(batch, sql``, sql`user_id`)})`;
    // One DELETE and the counter, synchronously (see runSynchronously).
    const deleted =
      (await runSynchronously(db, (run) => {
        const count = run(remove);
        const after = batch.afterDelete?.(count);
        if (after) run(after);
        return count;
      })) ?? (await db.transaction().execute((trx) => deleteCounted(trx, remove, batch)));
    return { deleted, last: null };
  },
};
