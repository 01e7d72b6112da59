import type { Database as BetterSqliteDatabase } from "better-sqlite3";
import type { RawBuilder } from "kysely";
import type { Db } from "../dialect.ts";

const made = new WeakSet<Db>();
const opened = new WeakMap<Db, BetterSqliteDatabase>();

/**
 * The better-sqlite3 handles behind the Kysely instances `sqliteDatabase()` made: those
 * instances are known from their making (`made`), their handle once Kysely opened it
 * (`open`, on the first query).
 */
export const handles = {
  /** Marks `db` as one of ours (made by `sqliteDatabase()`). */
  made(db: Db): void {
    made.add(db);
  },
  /** Records the handle Kysely just opened for `db`. */
  open(db: Db, handle: BetterSqliteDatabase): void {
    opened.set(db, handle);
  },
  /** Whether `db` was made by `sqliteDatabase()` (not an app's own Kysely instance). */
  owns: (db: Db): boolean => made.has(db),
  /** The open handle behind `db`, or undefined (not ours, or not opened yet). */
  get: (db: Db): BetterSqliteDatabase | undefined => opened.get(db),
};

/**
 * Runs `body` synchronously in ONE immediate transaction on the better-sqlite3 handle behind
 * `db`, while holding Kysely's (only) connection so that nothing else runs on it; `undefined`
 * when `db` was not made by `sqliteDatabase()` (an app's own Kysely instance). `body` gets the
 * handle (its `prepare` reuses statements per text) and a runner of Kysely-built statements.
 *
 * Why synchronously: better-sqlite3 waits for a lock by blocking the thread (busy_timeout). A
 * transaction that keeps the write lock across an `await` can therefore deadlock against a
 * second connection to the same file in the same process (say two cleaners): that one blocks
 * the thread until its timeout, and the lock holder never gets to COMMIT. And it is faster:
 * no promise between the statements.
 */
export async function runSynchronously<T>(
  db: Db,
  body: (run: (query: RawBuilder<unknown>) => number, handle: BetterSqliteDatabase) => T,
): Promise<T | undefined> {
  return db.connection().execute(async (connection) => {
    const handle = opened.get(db);
    if (!handle) return undefined;
    const run = (query: RawBuilder<unknown>) => {
      const compiled = query.compile(connection);
      return handle.prepare(compiled.sql).run(compiled.parameters as unknown[]).changes;
    };
    return handle.transaction(() => body(run, handle)).immediate();
  });
}
