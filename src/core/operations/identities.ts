import { GuestUserError, NotGuestError } from "../../shared/errors.ts";
import { type IdentityRecord, identityQueries } from "../../store/identity-store.ts";
import { usernameKey } from "../../store/username-case.ts";
import { checkIdentity, IdentityTakenError, NotRegisteredError } from "../model/identity-rules.ts";
import { freeUsername, identityUsername } from "../model/identity-usernames.ts";
import { type Identity, idOf, type User, type UserId, type UserRef } from "../model/types.ts";
import { type Context, findUser, withDatabase } from "../runtime/context.ts";
import { mergeGuestInto } from "./deletion.ts";
import { countConversionAfterQuota } from "./quotas.ts";

/** An identity linked to a user (a row of the identities table). */
export type LinkedIdentity = IdentityRecord;

export { IdentityTakenError, NotRegisteredError } from "../model/identity-rules.ts";

/** What `guestUsers.connectIdentity()` did. */
export type ConnectOutcome = "signedIn" | "converted" | "linked" | "created";

/** How often a username that lost a race to a parallel sign-up is replaced by the next free one. */
const USERNAME_RACES = 5;

/** Social-login identities (the allauth integration): convert a guest, sign in, link, sign up. */
export function identityManager(context: Context) {
  const { db, quirks, settings, users, guests, sessions, events } = context;
  const identities = identityQueries(settings.tables, quirks.usernames);
  const maxLength = settings.tables.users.usernameMaxLength;

  /** `IDENTITY_TAKEN` when the identity is linked already (`NOT_GUEST` when to `self`). */
  const refuseLinked = async (identity: Identity, self: UserId | null) => {
    const linked = await identities.find(db, identity.provider, identity.subject);
    if (linked && self !== null && linked.userId === self) throw new NotGuestError(self);
    if (linked) throw new IdentityTakenError(identity.provider);
  };

  /**
   * Runs `write` (one transaction) with the first free username for the identity, again with
   * the next free one when a parallel sign-up took it; {@link refuseLinked} before and on a clash.
   */
  const withFreeUsername = async <T>(
    identity: Identity,
    self: UserId | null,
    write: (username: string) => Promise<T>,
  ): Promise<T> => {
    await refuseLinked(identity, self);
    const base = identityUsername(identity, maxLength);
    // Reserved names are skipped like taken ones: "admin" becomes "admin2".
    const avoid = new Set<string>(settings.reservedUsernames);
    for (let attempt = 1; ; attempt++) {
      const username = await freeUsername(db, identities, base, maxLength, avoid);
      try {
        return await write(username);
      } catch (error) {
        if (!quirks.isUniqueViolation(error)) throw error;
        await refuseLinked(identity, self);
        if (attempt >= USERNAME_RACES) {
          throw new GuestUserError(
            "USERNAME_EXHAUSTED",
            `No free username for this identity after ${attempt} attempts: check the users table's unique constraints.`,
            { cause: error },
          );
        }
        avoid.add(usernameKey(username));
      }
    }
  };

  const record = (identity: Identity, userId: UserId, now: number): IdentityRecord => ({
    provider: identity.provider,
    subject: identity.subject,
    userId,
    email: identity.email ?? null,
    createdAt: now,
  });

  const manager = {
    /**
     * Converts a guest by a social-login identity (the allauth integration): the SAME user id keeps
     * its data. In ONE transaction the guest row is removed (none: `NOT_GUEST`), the user gets the
     * identity's username (preferred username, else the e-mail's local part, else `<provider>user`;
     * NFKC-normalized, cut to `usernameMaxLength`, with the first free numeric suffix when taken or
     * in `reservedUsernames`: "Rufus3", "admin2") and e-mail, and no usable password, the identity
     * is linked (already linked to someone: `IDENTITY_TAKEN`, no change), and its sessions end.
     * Fires `converted`, then `convertedSocialAccount`, after commit.
     * @example
     * ```ts
     * const user = await guestUsers.convertWithIdentity(guest, { provider: "github", subject: "583231", preferredUsername: "Rufus" });
     * const { token } = await guestUsers.createSession(user.id); // log in afresh
     * ```
     */
    async convertWithIdentity(guest: UserRef, identity: Identity): Promise<User> {
      const id = idOf(guest);
      const checked = checkIdentity(identity);
      const converted = await withDatabase(context, async () => {
        await withFreeUsername(checked, id, (username) =>
          db.transaction().execute(async (trx) => {
            await countConversionAfterQuota(context, trx, id, settings.clock()); // quotas (issue 20)
            if ((await guests.delete(trx, id)) === 0) throw new NotGuestError(id);
            const now = settings.clock();
            await identities.insert(trx, record(checked, id, now));
            const email = checked.email ?? null;
            await users.setCredentials(trx, id, { username, passwordHash: null, email });
            await sessions.deleteForUser(trx, id);
            await context.funnel.bump(trx, "converted", 1, now);
          }),
        );
        const user = await findUser(context, db, id);
        if (!user) throw new NotGuestError(id);
        return user;
      });
      context.metrics.converted("social");
      await events.emit("converted", { user: converted });
      await events.emit("convertedSocialAccount", { user: converted, identity: checked });
      return converted;
    },

    /**
     * Creates a registered user for an identity (a first sign-in without a guest): the user
     * (username as in {@link convertWithIdentity}, no usable password) and the identity link in ONE
     * transaction. Throws `IDENTITY_TAKEN` when it is already linked (sign in with it instead).
     * @example
     * ```ts
     * const user = (await guestUsers.signInWithIdentity(identity)) ?? (await guestUsers.createUserWithIdentity(identity));
     * ```
     */
    async createUserWithIdentity(identity: Identity): Promise<User> {
      const checked = checkIdentity(identity);
      return withDatabase(context, async () => {
        const id = await withFreeUsername(checked, null, (username) =>
          db.transaction().execute(async (trx) => {
            const now = settings.clock();
            const email = checked.email ?? null;
            const userId = await users.insertUser(trx, {
              username,
              passwordHash: null,
              email,
              now,
            });
            await identities.insert(trx, record(checked, userId, now));
            return userId;
          }),
        );
        const user = await findUser(context, db, id);
        if (!user) throw new GuestUserError("USER_NOT_FOUND", `User ${String(id)} vanished.`);
        return user;
      });
    },

    /**
     * Signs in by an identity seen before: its user (login recorded), or null for an identity never
     * linked. When `current` is a guest, it is first merged into that user (its `ownership` rows
     * moved, then the `merged` listeners), as the login view does (with neither, the guest stays
     * and expires).
     * @default options { current: null }
     * @example
     * ```ts
     * const user = await guestUsers.signInWithIdentity(identity, { current: state.user });
     * ```
     */
    async signInWithIdentity(
      identity: Identity,
      options: { readonly current?: User | null } = {},
    ): Promise<User | null> {
      const checked = checkIdentity(identity);
      const current = options.current ?? null;
      const found = await withDatabase(context, async () => {
        const linked = await identities.find(db, checked.provider, checked.subject);
        const user = linked ? await findUser(context, db, linked.userId) : null;
        if (!linked || !user) return null;
        const now = settings.clock();
        await users.recordLogin(db, user.id, now);
        if (checked.email && checked.email !== linked.email)
          await identities.setEmail(db, checked.provider, checked.subject, checked.email);
        return { ...user, lastLoginAt: now };
      });
      if (found && current?.isGuest && current.id !== found.id) {
        try {
          await mergeGuestInto(context, current, found);
        } catch (error) {
          // Converted or merged by a parallel request meanwhile: nothing left to merge.
          if (!(error instanceof NotGuestError)) throw error;
        }
      }
      return found;
    },

    /**
     * Links an identity to a registered user (a second way to sign in). Idempotent for the
     * same user; `IDENTITY_TAKEN` when another user holds it, `NOT_REGISTERED` for a guest
     * (convert it with {@link convertWithIdentity}), `USER_NOT_FOUND` for no such user.
     * @example
     * ```ts
     * await guestUsers.linkIdentity(currentUser, { provider: "google", subject: claims.sub, email: claims.email });
     * ```
     */
    async linkIdentity(user: UserRef, identity: Identity): Promise<LinkedIdentity> {
      const id = idOf(user);
      const checked = checkIdentity(identity);
      return withDatabase(context, async () => {
        const existing = await identities.find(db, checked.provider, checked.subject);
        if (existing && existing.userId !== id) throw new IdentityTakenError(checked.provider);
        if (existing) return existing;
        const found = await findUser(context, db, id);
        if (!found)
          throw new GuestUserError("USER_NOT_FOUND", `No user ${String(id)}: check the id.`);
        if (found.isGuest) throw new NotRegisteredError(id);
        const row = record(checked, id, settings.clock());
        try {
          await identities.insert(db, row);
          return row;
        } catch (error) {
          if (!quirks.isUniqueViolation(error)) throw error;
          const raced = await identities.find(db, checked.provider, checked.subject);
          if (raced?.userId === id) return raced;
          throw new IdentityTakenError(checked.provider);
        }
      });
    },

    /**
     * The identities linked to a user, oldest first.
     * @example
     * ```ts
     * const providers = (await guestUsers.identitiesOf(user)).map((i) => i.provider);
     * ```
     */
    async identitiesOf(user: UserRef): Promise<LinkedIdentity[]> {
      return withDatabase(context, () => identities.listForUser(db, idOf(user)));
    },

    /**
     * A social-login callback in one call: an identity seen before signs its user in (a `current`
     * guest merged into it); else a `current` guest converts with it (same id), a `current`
     * registered user links it, and a visitor without a user gets a new one. A parallel request
     * linking the same identity is resolved by signing in. Log the user in with a NEW session.
     * @default options { current: null }
     * @example
     * ```ts
     * const { user, outcome } = await guestUsers.connectIdentity(identity, { current: state.user });
     * ```
     */
    async connectIdentity(
      identity: Identity,
      options: { readonly current?: User | null } = {},
    ): Promise<{ user: User; outcome: ConnectOutcome }> {
      const current = options.current ?? null;
      for (let attempt = 1; ; attempt++) {
        const signedIn = await manager.signInWithIdentity(identity, { current });
        if (signedIn) return { user: signedIn, outcome: "signedIn" };
        try {
          if (current?.isGuest) {
            return {
              user: await manager.convertWithIdentity(current, identity),
              outcome: "converted",
            };
          }
          if (current) {
            await manager.linkIdentity(current, identity);
            const user = await withDatabase(context, () => findUser(context, db, current.id));
            return { user: user ?? current, outcome: "linked" };
          }
          return { user: await manager.createUserWithIdentity(identity), outcome: "created" };
        } catch (error) {
          const taken = error instanceof IdentityTakenError;
          if (!taken || attempt >= 3) throw error;
        }
      }
    },
  };
  return manager;
}
