import { sql } from "kysely";
import type { UserId } from "../../shared/ids.ts";
import type { Db } from "../dialect.ts";
import type { DialectLocks, LockedRow } from "../dialect-locks.ts";

/** SQLite's row lock (see {@link DialectLocks.row}): a no-op UPDATE, `touch = touch`. */
export async function touchRowLock(trx: Db, row: LockedRow, id: UserId): Promise<boolean> {
  const touch = sql.ref(row.touch);
  const result = await sql`update ${sql.table(row.table)} set ${touch} = ${touch}
    where ${sql.ref(row.key)} = ${id}`.execute(trx);
  return Number(result.numAffectedRows ?? 0n) > 0;
}

/** PostgreSQL's and MySQL's row lock (see {@link DialectLocks.row}): SELECT ... FOR UPDATE. */
export async function selectForUpdateRowLock(
  trx: Db,
  row: LockedRow,
  id: UserId,
): Promise<boolean> {
  const key = sql.ref(row.key);
  const { rows } = await sql`select ${key} from ${sql.table(row.table)}
    where ${key} = ${id} for update`.execute(trx);
  return rows.length > 0;
}
