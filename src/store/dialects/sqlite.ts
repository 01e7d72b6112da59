import type { Database as BetterSqliteDatabase, Statement } from "better-sqlite3";
import { CompiledQuery, type DatabaseConnection, Kysely, SqliteDialect, sql } from "kysely";
import { GuestUserError } from "../../shared/errors.ts";
import { type Db, type DialectQuirks, errorCode } from "../dialect.ts";

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
    if (typeof source !== "string") return withStatementCache(source);
    const module = await import("better-sqlite3").catch((cause: unknown) => {
      throw new GuestUserError(
        "DRIVER_MISSING",
        "SQLite needs the better-sqlite3 package: run `npm install better-sqlite3@12`.",
        { cause },
      );
    });
    return withStatementCache(new module.default(source));
  };
  return new Kysely<unknown>({
    dialect: new SqliteDialect({
      database: open,
      onCreateConnection: (connection) => configureConnection(connection, source === ":memory:"),
    }),
  });
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

async function configureConnection(connection: DatabaseConnection, inMemory: boolean) {
  const pragmas = ["busy_timeout = 5000", "foreign_keys = ON", "synchronous = NORMAL"];
  if (!inMemory) pragmas.unshift("journal_mode = WAL");
  for (const pragma of pragmas)
    await connection.executeQuery(CompiledQuery.raw(`PRAGMA ${pragma}`));
}

/** SQLite's differences: one writer at a time, so one DELETE statement is atomic and safe. */
export const sqliteQuirks: DialectQuirks = {
  name: "sqlite",
  jsonType: "text",
  isUniqueViolation(error) {
    const code = errorCode(error);
    return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
  },
  isConnectionError(error) {
    const code = errorCode(error);
    return code === "SQLITE_CANTOPEN" || code === "SQLITE_NOTADB";
  },
  async deleteExpiredBatch(db: Db, { tables, column, cutoff, limit }) {
    const { users, guests } = tables;
    const result = await sql`
      delete from ${sql.table(users.table)} where ${sql.ref(users.id)} in (
        select user_id from ${sql.table(guests)} where ${sql.ref(column)} < ${cutoff}
        order by ${sql.ref(column)} limit ${limit})`.execute(db);
    return Number(result.numAffectedRows ?? 0n);
  },
};
