import type { Database, Statement } from "better-sqlite3";

/**
 * A better-sqlite3 Database whose `prepare(sql)` reuses the statement made for the same SQL
 * text: Kysely's SqliteDriver prepares every query anew (`db.prepare(sql)` per execution),
 * which costs as much as running the hot path's lookup itself. The prototype of the change
 * proposed for src/store/dialects/sqlite.ts; passed to createGuestUsers({ database }) it
 * needs no change to src/. Safe with Kysely: one connection, queries run one at a time, and
 * our queries are never streamed (an iterating statement would be busy).
 */
export function withStatementCache(db: Database, max = 200): Database {
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
