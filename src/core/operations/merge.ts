import { GuestUserError, NotGuestError } from "../../shared/errors.ts";
import { blockOuterQueries } from "../../store/connect.ts";
import type { Db } from "../../store/dialect.ts";
import type { User, UserId } from "../model/types.ts";
import { type Context, withDatabase } from "../runtime/context.ts";

/**
 * The error a `merged` listener gets when it queries the database outside the merge
 * transaction (through `guestUsers.db`, or another `guestUsers` method): code
 * `OUTER_DB_IN_LISTENER`. The merge is rolled back and the error reaches `mergeGuest`'s caller.
 *
 * @example
 * ```ts
 * guestUsers.on("merged", async ({ guest, user, db }) => {
 *   await sql`update notes set user_id = ${user.id} where user_id = ${guest.id}`.execute(db); // not guestUsers.db
 * });
 * ```
 */
export function outerDatabaseInListenerError(): GuestUserError {
  return new GuestUserError(
    "OUTER_DB_IN_LISTENER",
    'A "merged" listener queried the database outside the merge transaction (through guestUsers.db or another guestUsers method): use the `db` the merged event gives you for every query in the listener. The merge was rolled back. (On SQLite such a query would wait forever for the one connection, which the transaction holds.)',
  );
}

/**
 * Locks the guest row of `id` for the rest of the transaction; false when there is none.
 * SQLite: a no-op UPDATE, so the transaction takes the write lock with its first statement
 * (a read first could fail with SQLITE_BUSY when it later writes). Elsewhere SELECT ... FOR
 * UPDATE: a concurrent conversion or merge of the same guest waits for us.
 */
async function lockGuest(context: Context, trx: Db, id: UserId): Promise<boolean> {
  const table = context.settings.tables.guests;
  return context.quirks.locks.row(trx, { table, key: "user_id", touch: "last_seen_at" }, id);
}

/**
 * Merges `guest` into `into` in ONE transaction: lock the guest row (none: `NOT_GUEST`), run
 * the `merged` listeners with the transaction (the guest's user, guest row and data are all
 * still there to read), then delete the guest's sessions, guest row and user. A listener
 * that queries outside the transaction fails with `OUTER_DB_IN_LISTENER` (thrown, after the
 * rollback); any other listener error is reported and gives false, the guest kept.
 *
 * @example
 * ```ts
 * const merged = await mergeGuestInto(context, guestUser, registeredUser);
 * ```
 */
export async function mergeGuestInto(context: Context, guest: User, into: User): Promise<boolean> {
  const { db, events, guests, sessions, users } = context;
  if (!events.has("merged") || guest.id === into.id) return false;
  try {
    await withDatabase(context, () =>
      db.transaction().execute(async (trx) => {
        if (!(await lockGuest(context, trx, guest.id))) throw new NotGuestError(guest.id);
        await blockOuterQueries(outerDatabaseInListenerError, () =>
          events.emitStrict("merged", { guest, user: into, db: trx }),
        );
        await sessions.deleteForUser(trx, guest.id);
        if ((await guests.delete(trx, guest.id)) === 0) throw new NotGuestError(guest.id);
        await users.deleteUser(trx, guest.id);
        await context.funnel.bump(trx, "merged", 1, context.settings.clock());
      }),
    );
    context.metrics.merged();
    return true;
  } catch (error) {
    if (error instanceof GuestUserError) throw error;
    events.report("merged", error, "the merge was rolled back and the guest kept");
    return false;
  }
}
