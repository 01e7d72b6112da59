import { GuestUserError, NotGuestError } from "../../shared/errors.ts";
import { blockOuterQueries } from "../../store/connect.ts";
import type { User } from "../model/types.ts";
import { type Context, withDatabase } from "../runtime/context.ts";

/**
 * The error (`OUTER_DB_IN_LISTENER`) a `merged` listener or the `beforeDelete` hook gets when
 * it queries outside the transaction it was given: the work is rolled back, the error thrown.
 */
export const outerDatabaseError = (who: string, where: string, use: string, work: string) => () =>
  new GuestUserError(
    "OUTER_DB_IN_LISTENER",
    `${who} queried the database outside the ${where} transaction (through guestUsers.db or another guestUsers method): use the \`db\` ${use}. The ${work} was rolled back. (On SQLite such a query would wait forever for the one connection, which the transaction holds.)`,
  );

const outerDatabaseInListener = outerDatabaseError(
  'A "merged" listener',
  "merge",
  "the merged event gives you for every query in the listener",
  "merge",
);

/** `guestUsers.mergeGuest()` (documented there). */
export async function mergeGuestInto(context: Context, guest: User, into: User): Promise<boolean> {
  const { db, events, guests, sessions, users } = context;
  if (!events.has("merged") || guest.id === into.id) return false;
  const lockedRow = {
    table: context.settings.tables.guests,
    key: "user_id",
    touch: "last_seen_at",
  };
  try {
    await withDatabase(context, () =>
      db.transaction().execute(async (trx) => {
        // A concurrent conversion or merge of the same guest waits for us, then finds nothing.
        if (!(await context.quirks.locks.row(trx, lockedRow, guest.id)))
          throw new NotGuestError(guest.id);
        await blockOuterQueries(outerDatabaseInListener, () =>
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
