import { GuestUserError, InvalidConfigError } from "../../shared/errors.ts";
import { staffQueries } from "../../store/staff-store.ts";
import { idOf, type UserRef } from "../model/types.ts";
import { type Context, withDatabase } from "../runtime/context.ts";

/** The staff flag: who may use the guest admin by default. */
export function staffManager(context: Context) {
  const { db, quirks, settings, users, guests } = context;
  const staff = staffQueries(settings.tables, quirks);
  return {
    /**
     * Grants (`on: true`) or revokes (`on: false`) the staff flag of a registered user: staff
     * may use the guest admin (`adminViews` without `canAccess`). True when the flag changed,
     * false when it already was so (or when revoking from a guest). Throws `USER_NOT_FOUND` for
     * no such user, `NOT_REGISTERED` when granting it to a guest (never staff), changing
     * nothing; `INVALID_CONFIG` when the app's own users table maps no `users.columns.isStaff`.
     * The user's cached sessions are dropped on every server: the change applies on its next
     * request. From the command line: `guest-user staff grant|revoke <username>`.
     * @example
     * ```ts
     * const ada = await guestUsers.getUserByUsername("ada");
     * if (ada) await guestUsers.setStaff(ada, true);
     * ```
     */
    async setStaff(user: UserRef, on: boolean): Promise<boolean> {
      if (typeof on !== "boolean") {
        throw new InvalidConfigError(
          "on",
          `guestUsers.setStaff(user, on) expects true (grant) or false (revoke), got ${typeof on}`,
        );
      }
      const column = settings.tables.users.isStaff;
      if (column === null) {
        throw new InvalidConfigError(
          "users.columns.isStaff",
          'setStaff() needs a staff column in your users table: map it with users: { columns: { isStaff: "is_staff" } } (a boolean, NOT NULL, default false)',
        );
      }
      const id = idOf(user);
      return withDatabase(context, async () => {
        if ((await staff.set(db, column, id, on)) > 0) {
          await context.sessionCache?.revoke(db, { users: [id] });
          return true;
        }
        const [row, guest] = await Promise.all([users.findById(db, id), guests.find(db, id)]);
        if (!row)
          throw new GuestUserError("USER_NOT_FOUND", `No user ${String(id)}: check the id.`);
        if (guest && on)
          throw new GuestUserError(
            "NOT_REGISTERED",
            `User ${String(id)} is a guest, and a guest is never staff: grant the flag once it has converted to a registered account.`,
          );
        return false;
      });
    },
  };
}
