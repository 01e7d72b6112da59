import { GuestUserError, NotGuestError } from "../../shared/errors.ts";
import type { Db } from "../../store/dialect.ts";
import type { GuestRecord } from "../../store/guest-store.ts";
import { blockOuterQueries } from "../../store/outer-queries.ts";
import { idOf, type User, type UserId, type UserRef } from "../model/types.ts";
import { type Context, toUser, withDatabase } from "../runtime/context.ts";
import { guestExpiresAt, isGuestExpired } from "../runtime/expiry.ts";
import { mergeOwnedRows } from "./ownership.ts";

/** Options of `guestUsers.deleteUser()`. */
export interface DeleteUserOptions {
  /**
   * Who asked, passed on to the `deleted` event: the user (the account page) or an admin.
   * @default "self"
   */
  readonly by?: "self" | "admin";
}

/** `OUTER_DB_IN_LISTENER`: a `merged` listener or `beforeDelete` queried outside its transaction */
const outerDatabaseError = (who: string, where: string, use: string, work: string) => () =>
  new GuestUserError(
    "OUTER_DB_IN_LISTENER",
    `${who} queried the database outside the ${where} transaction (through guestUsers.db or another guestUsers method): use the \`db\` ${use}. The ${work} was rolled back. (On SQLite such a query would wait forever for the one connection, which the transaction holds.)`,
  );

/**
 * Runs the `beforeDelete` option (when set) for `userIds` in the deleting transaction `trx` (a
 * throw rolls it back). Every deletion path (this one, clean-up and the admin's) runs it.
 */
export async function runBeforeDelete(
  context: Context,
  trx: Db,
  userIds: readonly UserId[],
): Promise<void> {
  const hook = context.settings.beforeDelete;
  if (!hook || userIds.length === 0) return;
  const use = "it is given for every query";
  const error = outerDatabaseError("The beforeDelete hook", "deleting", use, "deletion");
  await blockOuterQueries(error, async () => hook({ userIds, db: trx }));
}

const outerDatabaseInListener = outerDatabaseError(
  'A "merged" listener',
  "merge",
  "the merged event gives you for every query in the listener",
  "merge",
);

/** `guestUsers.mergeGuest()` (documented there). */
export async function mergeGuestInto(context: Context, guest: User, into: User): Promise<boolean> {
  const { db, events, guests, sessions, users } = context;
  const owned = context.settings.ownership.tables.length > 0;
  if ((!owned && !events.has("merged")) || guest.id === into.id) return false;
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
        // The `ownership` tables first: the listeners see the rows already at the account.
        if (owned) await mergeOwnedRows(context, trx, guest.id, into.id);
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

/** Deleting one user (self-service or admin), and the reference's `Guest.is_expired()`. */
export function deletionManager(context: Context) {
  const { db, settings, users, guests, sessions, events } = context;
  const { table, id: key, username: touch } = settings.tables.users;
  const lockedRow = { table, key, touch };

  /**
   * The guest row and whether `retention.keepIf` matches it; null for non-guests. A given row
   * needs no query without a rule; with one, ONE query (which also sees a conversion meanwhile).
   */
  const guestState = async (guest: GuestRecord | UserRef) => {
    const { keepIf } = settings.retention;
    const given = typeof guest === "object" && "userId" in guest ? guest : null;
    if (given && !keepIf) return { row: given, kept: false };
    // A registered user never becomes a guest again: no query for one.
    if (!given && typeof guest === "object" && (guest as Partial<User>).isGuest === false)
      return null;
    const id = given ? given.userId : idOf(guest as UserRef);
    if (!keepIf) {
      const row = await withDatabase(context, () => guests.find(db, id));
      return row ? { row, kept: false } : null;
    }
    const found = await withDatabase(context, () => guests.findWithKept(db, id, keepIf));
    return found ? { row: given ?? found.guest, kept: found.kept } : null;
  };
  const expiresAt = async (guest: GuestRecord | UserRef): Promise<number | null> => {
    const state = await guestState(guest);
    return state ? guestExpiresAt(state.row, settings, state.kept) : null;
  };

  return {
    /**
     * Deletes one user, guest or registered, in ONE transaction: runs the `beforeDelete` option
     * (a throw rolls everything back and reaches you), then deletes the user's sessions, guest
     * row and user row; every row with ON DELETE CASCADE (identities, terms acceptances, your
     * own tables) goes with it. A deleted guest counts in the funnel's `deleted` column. Fires
     * `deleted` (`{ user, by }`) after commit. Returns false, changing nothing, when there is
     * no such user (a second click on "delete" included).
     * @example
     * ```ts
     * guestUsers.on("deleted", ({ user, by }) => audit(`${user.username} deleted by ${by}`));
     * await guestUsers.deleteUser(user, { by: "self" });
     * ```
     */
    async deleteUser(user: UserRef, options: DeleteUserOptions = {}): Promise<boolean> {
      const id = idOf(user);
      const by = options.by ?? "self";
      const deleted = await withDatabase(context, () =>
        db.transaction().execute(async (trx) => {
          // A second deletion of the same user (a double click) waits, then finds nothing.
          if (!(await context.quirks.locks.row(trx, lockedRow, id))) return null;
          const row = await users.findById(trx, id);
          if (!row) return null;
          await runBeforeDelete(context, trx, [id]);
          await sessions.deleteForUser(trx, id);
          const wasGuest = (await guests.delete(trx, id)) > 0;
          await users.deleteUser(trx, id);
          if (wasGuest) await context.funnel.bump(trx, "deleted", 1, settings.clock());
          return toUser(row, wasGuest);
        }),
      );
      if (!deleted) return false;
      context.metrics.deleted(1, by, deleted.isGuest);
      await events.emit("deleted", { user: deleted, by });
      return true;
    },

    /**
     * The reference's `Guest.is_expired()`: true when the guest is past the `retention` rule
     * (`maxAge`, or `maxAgeIfKept` when `keepIf` matches it, counted as `expireBy` says), as
     * clean-up deletes. Takes a guest row (no query without a `keepIf` rule) or a user or id
     * (one query); false for registered users and unknown ids.
     * @example
     * ```ts
     * if (await guestUsers.isExpired(user)) showWarning("This guest account is about to go.");
     * ```
     */
    async isExpired(guest: GuestRecord | UserRef): Promise<boolean> {
      const state = await guestState(guest);
      return state !== null && isGuestExpired(state.row, settings, state.kept);
    },

    /**
     * When a guest expires (see {@link isExpired}), in milliseconds since the epoch; null for
     * registered users, unknown ids, and guests kept forever (`maxAgeIfKept: null`). One
     * query at most. With `expireBy: "lastSeenAt"` the date moves on with each visit.
     * @example
     * ```ts
     * const until = await guestUsers.expiresAt(user);
     * if (until) page.notice(`Your work is kept until ${new Date(until).toLocaleDateString()}`);
     * ```
     */
    expiresAt,
  };
}
