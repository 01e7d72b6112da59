import { sql } from "kysely";
import type { Db } from "../dialect.ts";
import { type DialectLocks, type LockOutcome, releasedAfter } from "../dialect-locks.ts";
import { selectForUpdateRowLock } from "./row-locks.ts";

/**
 * Runs `body` if the named lock `name` is free: `GET_LOCK(..., 0)` (no wait) on one held
 * connection, `RELEASE_LOCK` on the same connection afterwards. The server frees it when
 * that connection ends, so a crashed holder blocks nobody. `body` runs on other connections.
 *
 * @example
 * ```ts
 * const outcome = await withMysqlLock(db, "guest_user_guests:cleanup", () => work());
 * ```
 */
export async function withMysqlLock<T>(
  db: Db,
  name: string,
  body: () => Promise<T>,
): Promise<LockOutcome<T>> {
  // GET_LOCK names are shared by every database of a server, so the current database goes into
  // the name; hashed to stay within the 64 characters allowed.
  const lock = sql`concat('guest-user:', sha1(concat(coalesce(database(), ''), '/', ${name})))`;
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{
      locked: number | string | null;
    }>`select get_lock(${lock}, 0) as locked`.execute(connection);
    if (Number(rows[0]?.locked) !== 1) return { acquired: false };
    return releasedAfter(body, () => sql`select release_lock(${lock})`.execute(connection));
  });
}

/** MySQL's and MariaDB's locks: rows by SELECT ... FOR UPDATE, names by `GET_LOCK`. */
export const mysqlLocks: DialectLocks = {
  row: selectForUpdateRowLock,
  named: (db, tables, name) => (body) => withMysqlLock(db, `${tables.guests}:${name}`, body),
};
