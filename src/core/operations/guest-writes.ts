import type { GuestData } from "../../store/guest-store.ts";
import { issueToken } from "../model/tokens.ts";
import type { User } from "../model/types.ts";
import { type Context, toUser } from "../runtime/context.ts";
import { insertedRow } from "./accounts.ts";
import { insertSession, type Session } from "./sessions.ts";

/** What a guest creation wrote: the user, its first session (when asked for) and `created`. */
export interface WrittenGuest {
  readonly user: User;
  readonly session: Session | null;
  /** False when an earlier request of the same browser had made it (creation key). */
  readonly created: boolean;
}

/**
 * Writes one guest (user, guest row, optional session, funnel count) the cheapest
 * all-or-nothing way this context has: on PostgreSQL with the default users store (the
 * built-in users table or the app's own, not a custom `userStore`) ONE statement; elsewhere
 * one transaction. Either way a unique violation (a taken username, a creation key in use)
 * leaves nothing written and reaches the caller as the driver's error.
 */
export function guestWriter(context: Context) {
  const { db, quirks, settings, users, guests } = context;
  // The one-statement creation writes users as the default table store does.
  const insertGuest = context.tableUsers ? quirks.guestInsert?.(settings.tables) : undefined;

  return async (
    username: string,
    data: GuestData | null,
    creationKey: string | null,
    withSession: boolean,
  ): Promise<WrittenGuest> => {
    const now = settings.clock();
    const user = { username, passwordHash: null, email: null, now };
    if (!insertGuest) {
      return db.transaction().execute(async (trx) => {
        const id = await users.insertUser(trx, user);
        await guests.insert(trx, id, now, data, creationKey);
        const session = withSession ? await insertSession(context, trx, id) : null;
        await context.funnel.bump(trx, "created", 1, now);
        return { user: toUser(insertedRow(id, user), true), session, created: true };
      });
    }
    const issued = withSession ? issueToken() : null;
    const expiresAt = now + settings.session.maxAge * 1000;
    const session = issued && { id: issued.id, secretHash: issued.secretHash, expiresAt };
    const id = await insertGuest(db, { username, now, data, creationKey, session });
    return {
      user: toUser(insertedRow(id, user), true),
      session: issued && { token: issued.token, expiresAt },
      created: true,
    };
  };
}
