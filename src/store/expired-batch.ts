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

/**
 * Runs `remove` (a DELETE of users) in `trx`, then `afterDelete` with the number deleted;
 * returns that number.
 * @example
 * ```ts
 * const deleted = await deleteCounted(trx, sql`delete from users where id = ${id}`, batch);
 * ```
 */
export async function deleteCounted(
  trx: Db,
  remove: RawBuilder<unknown>,
  hooks: DeletionHooks,
): Promise<number> {
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
  return deleteCounted(
    trx,
    sql`delete from ${sql.table(users.table)} where ${sql.ref(users.id)} in (
    select user_id from ${sql.table(guests)} where ${quirks.inList(sql.ref("user_id"), ids)})`,
    hooks,
  );
}

/**
 * `select columns` of the batch's guests in the order of `cutoffs.column`, from
 * {@link ExpiredBatch.after} on, `lock` (this database's row locking) at the end.
 * @example
 * ```ts
 * const pick = pickExpired(batch, sql`user_id`, sql`for update skip locked`);
 * ```
 */
export function pickExpired(
  batch: ExpiredBatch,
  columns: RawBuilder<unknown>,
  lock: RawBuilder<unknown> = sql``,
): RawBuilder<unknown> {
  const { tables, cutoffs, after } = batch;
  const column = sql.ref(cutoffs.column);
  const resume =
    after === undefined || after === null
      ? sql``
      : sql`and ${sql.ref(`${tables.guests}.${cutoffs.column}`)} >= ${after}`;
  return sql`select ${columns} from ${sql.table(tables.guests)}
    where ${expiredGuestsCondition(cutoffs, tables.guests)} ${resume}
    order by ${column} limit ${batch.limit} ${lock}`;
}

/** The columns {@link deletePicked} picks: the user and its position in the scan. */
export const pickedColumns = (batch: ExpiredBatch) =>
  sql`user_id, ${sql.ref(batch.cutoffs.column)} as scan_at`;

/**
 * One batch in one transaction: takes the write lock ({@link DialectQuirks.lockForWrite}),
 * picks the batch's guests with `lock`, and deletes their users by `remove` (by default
 * {@link deleteGuestUsers}); `last` is the largest position picked.
 * @example
 * ```ts
 * return deletePicked(db, postgresQuirks, batch, sql`for update skip locked`);
 * ```
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
    const { rows } = await pickExpired(batch, pickedColumns(batch), lock)
      .$castTo<{ user_id: unknown; scan_at: unknown }>()
      .execute(trx);
    const ids = rows.map((row) => toUserId(row.user_id, tables.users.idType));
    const last = rows.reduce<number | null>(
      (max, row) => Math.max(max ?? -Infinity, Number(row.scan_at)),
      null,
    );
    return { deleted: ids.length === 0 ? 0 : await remove(trx, ids), last };
  });
}
