import { type RawBuilder, sql } from "kysely";
import type { UserId } from "../shared/ids.ts";
import {
  affectedRows,
  type Db,
  type DeletionHooks,
  type DialectQuirks,
  type ExpiredBatch,
  type ExpiredBatchResult,
} from "./dialect.ts";
import { expiredGuestsCondition } from "./retention.ts";
import type { Tables } from "./tables.ts";
import { toUserId } from "./user-store.ts";

/** Runs `remove` (a DELETE of users), then `afterDelete` with the number deleted; returns it. */
export async function deleteCounted(trx: Db, remove: RawBuilder<unknown>, hooks: DeletionHooks) {
  const deleted = affectedRows(await remove.execute(trx));
  await hooks.afterDelete?.(deleted)?.execute(trx);
  return deleted;
}

/**
 * Deletes the users of `ids` that still have a guest row, inside the caller's transaction:
 * `beforeDelete` first, then one DELETE (sessions, guest rows and the app's rows cascade),
 * then `afterDelete` with the number deleted. Returns that number.
 *
 * @example
 * ```ts
 * await db.transaction().execute((trx) => deleteGuestUsers(trx, quirks, tables, ids, hooks));
 * ```
 */
export async function deleteGuestUsers(
  trx: Db,
  quirks: DialectQuirks,
  tables: Tables,
  ids: readonly UserId[],
  hooks: DeletionHooks,
): Promise<number> {
  if (ids.length === 0) return 0;
  await hooks.beforeDelete?.(ids, trx);
  const { users, guests } = tables;
  // Checked again at the DELETE: beforeDelete may have touched guest rows, and a user whose
  // guest row is gone (converted) is a registered user, never to be deleted here.
  const remove = sql`delete from ${sql.table(users.table)} where ${sql.ref(users.id)} in (
    select user_id from ${sql.table(guests)} where ${quirks.inList(sql.ref("user_id"), ids)})`;
  return deleteCounted(trx, remove, hooks);
}

/**
 * The batch's guests in the order of `cutoffs.column` from {@link ExpiredBatch.after} on,
 * `lock` (this database's row locking) at the end; by default their `user_id` and `scan_at`.
 */
export function pickExpired(
  batch: ExpiredBatch,
  lock: RawBuilder<unknown>,
  columns = sql`user_id, ${sql.ref(batch.cutoffs.column)} as scan_at`,
): RawBuilder<unknown> {
  const { tables, cutoffs, after } = batch;
  const resume =
    after === undefined || after === null
      ? sql``
      : sql`and ${sql.ref(`${tables.guests}.${cutoffs.column}`)} >= ${after}`;
  return sql`select ${columns} from ${sql.table(tables.guests)}
    where ${expiredGuestsCondition(cutoffs, tables.guests)} ${resume}
    order by ${sql.ref(cutoffs.column)} limit ${batch.limit} ${lock}`;
}

/**
 * One batch in one transaction: takes the write lock, picks the guests with `lock`, deletes
 * their users by `remove` (by default {@link deleteGuestUsers}).
 */
export function deletePicked(
  db: Db,
  quirks: DialectQuirks,
  batch: ExpiredBatch,
  lock: RawBuilder<unknown>,
  remove = (trx: Db, ids: readonly UserId[]) =>
    deleteGuestUsers(trx, quirks, batch.tables, ids, batch),
): Promise<ExpiredBatchResult> {
  const { tables } = batch;
  return db.transaction().execute(async (trx) => {
    await quirks.lockForWrite(trx, tables);
    const picked = pickExpired(batch, lock).$castTo<{ user_id: unknown; scan_at: unknown }>();
    const { rows } = await picked.execute(trx);
    const ids = rows.map((row) => toUserId(row.user_id, tables.users.idType));
    const scans = rows.map((row) => Number(row.scan_at));
    const last = scans.length === 0 ? null : scans.reduce((max, scan) => Math.max(max, scan));
    return { deleted: ids.length === 0 ? 0 : await remove(trx, ids), last };
  });
}
