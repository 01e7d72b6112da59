import type { GuestData, GuestRecord } from "../store/guest-store.ts";
import { type Context, toUser, withDatabase } from "./context.ts";
import { GuestUserError, NotGuestError, ValidationError } from "./errors.ts";
import { validateInput } from "./forms/index.ts";
import { hashPassword } from "./passwords.ts";
import { insertSession, type Session } from "./sessions.ts";
import type { User, UserId } from "./types.ts";
import { userAgentMatcher } from "./user-agents.ts";
import { cutToMaxLength } from "./usernames/index.ts";

/** How often a clashing username is replaced by a newly generated one before giving up. */
export const USERNAME_ATTEMPTS = 10;

/** What {@link createGuestUser} takes; every field optional. */
export interface CreateGuestUserInput {
  /** The request that creates the guest: `guestCreated` fires only when it is given. */
  readonly request?: Request | (() => Request);
  /** The preferred username; a generated one replaces it if taken. @default a generated name */
  readonly username?: string;
  /** Extra data stored on the guest row (JSON). @default null */
  readonly data?: GuestData | null;
}

/** Anything that names a user: the user object or its id. */
export type UserRef = Pick<User, "id"> | UserId;

export const idOf = (user: UserRef): UserId => (typeof user === "object" ? user.id : user);

/** Guest operations: the reference's GuestManager and helper functions. */
export function guestManager(context: Context) {
  const { db, quirks, settings, users, guests, sessions, events } = context;
  const isBlocked = userAgentMatcher(settings.blockedUserAgents);
  const maxLength = settings.tables.users.usernameMaxLength;

  async function insertGuest(input: CreateGuestUserInput, withSession: boolean) {
    let username = input.username
      ? cutToMaxLength(input.username, maxLength)
      : settings.generateName({ maxLength });
    for (let attempt = 1; ; attempt++) {
      const now = settings.clock();
      try {
        return await db.transaction().execute(async (trx) => {
          const id = await users.insertUser(trx, {
            username,
            passwordHash: null,
            email: null,
            now,
          });
          await guests.insert(trx, id, now, input.data ?? null);
          const session = withSession ? await insertSession(context, trx, id) : null;
          const user: User = {
            id,
            username,
            email: null,
            isGuest: true,
            createdAt: now,
            lastLoginAt: null,
          };
          return { user, session };
        });
      } catch (error) {
        if (!quirks.isUniqueViolation(error)) throw error;
        if (attempt >= USERNAME_ATTEMPTS) {
          throw new GuestUserError(
            "USERNAME_EXHAUSTED",
            `No free username after ${USERNAME_ATTEMPTS} attempts (last tried ${JSON.stringify(username)}): the name generator's space is nearly full; raise \`nameSuffixDigits\` or use nameGenerator: "uuid".`,
            { cause: error },
          );
        }
        username = settings.generateName({ maxLength });
      }
    }
  }

  async function create(input: CreateGuestUserInput, withSession: boolean) {
    const created = await withDatabase(context, () => insertGuest(input, withSession));
    if (input.request && events.has("guestCreated")) {
      const request = typeof input.request === "function" ? input.request() : input.request;
      await events.emit("guestCreated", { user: created.user, request });
    }
    return created;
  }

  return {
    /**
     * Creates a guest: the user row (no usable password) and its guest row, in ONE
     * transaction. A taken username is replaced by a generated one (at most
     * {@link USERNAME_ATTEMPTS} tries, then `USERNAME_EXHAUSTED`). Fires `guestCreated` when
     * a request is given.
     * @example
     * ```ts
     * const user = await guestUsers.createGuestUser({ request });
     * ```
     */
    async createGuestUser(input: CreateGuestUserInput = {}): Promise<User> {
      return (await create(input, false)).user;
    },

    /**
     * Creates a guest AND its first session in one transaction: what `maybeCreateGuestUser`
     * does for a visitor. Put `session.token` in the cookie.
     * @example
     * ```ts
     * const { user, session } = await guestUsers.createGuestSession({ request });
     * ```
     */
    async createGuestSession(
      input: CreateGuestUserInput = {},
    ): Promise<{ user: User; session: Session }> {
      const { user, session } = await create(input, true);
      return { user, session: session as Session };
    },

    /**
     * True when a request may get a guest: guests are enabled and the User-Agent is not a
     * blocked crawler.
     */
    canCreateGuest(request: { readonly headers: { get(name: string): string | null } }): boolean {
      return settings.enabled && !isBlocked(request.headers.get("user-agent"));
    },

    /** True when the User-Agent matches `blockedUserAgents`. */
    isBlockedUserAgent: (userAgent: string | null) => isBlocked(userAgent),

    /**
     * Converts a guest to a registered user: validates `input` with the convert form, then in
     * ONE transaction removes the guest row (none: `NOT_GUEST`), sets username and password
     * on the SAME user row and ends all its sessions. Fires `converted` after commit.
     * Throws `VALIDATION_FAILED` (nothing changed) for invalid input or a taken username.
     * @example
     * ```ts
     * const user = await guestUsers.convert(currentUser, await request.formData());
     * const { token } = await guestUsers.createSession(user.id); // log in afresh
     * ```
     */
    async convert(user: UserRef, input: unknown): Promise<User> {
      const id = idOf(user);
      const form = settings.convertForm;
      const result = await validateInput(form.schema, input);
      if (!result.ok) throw new ValidationError(result.fieldErrors);
      const credentials = form.getCredentials(result.value);
      const taken = () =>
        new ValidationError({ username: ["A user with that username already exists."] });
      const converted = await withDatabase(context, async () => {
        const existing = await users.findByUsername(db, credentials.username);
        if (existing && existing.id !== id) {
          if (!(await guests.find(db, id))) throw new NotGuestError(id);
          throw taken();
        }
        const passwordHash = await hashPassword(credentials.password, settings.passwordHashing);
        try {
          await db.transaction().execute(async (trx) => {
            if ((await guests.delete(trx, id)) === 0) throw new NotGuestError(id);
            await users.setCredentials(trx, id, {
              username: credentials.username,
              passwordHash,
              email: credentials.email ?? null,
            });
            await sessions.deleteForUser(trx, id);
          });
        } catch (error) {
          if (quirks.isUniqueViolation(error)) throw taken();
          throw error;
        }
        const row = await users.findById(db, id);
        if (!row) throw new NotGuestError(id);
        return toUser(row, false);
      });
      await events.emit("converted", { user: converted });
      return converted;
    },

    /**
     * Merges a guest into an existing account (the guest logged in to it): in ONE transaction
     * the `merged` listeners move the guest's rows to `into`, then the guest user is deleted.
     * Returns false, changing nothing, when no `merged` listener is registered, when a
     * listener throws (reported to the logger; the guest stays intact), or when `into` is the
     * guest itself. Throws `NOT_GUEST` when `guest` is not a guest.
     * @example
     * ```ts
     * guestUsers.on("merged", async ({ guest, user, db }) => {
     *   await sql`update notes set user_id = ${user.id} where user_id = ${guest.id}`.execute(db);
     * });
     * await guestUsers.mergeGuest(guestUser, registeredUser);
     * ```
     */
    async mergeGuest(guest: User, into: User): Promise<boolean> {
      if (!events.has("merged") || guest.id === into.id) return false;
      try {
        await withDatabase(context, () =>
          db.transaction().execute(async (trx) => {
            if ((await guests.delete(trx, guest.id)) === 0) throw new NotGuestError(guest.id);
            await events.emitStrict("merged", { guest, user: into, db: trx });
            await users.deleteUser(trx, guest.id);
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof GuestUserError) throw error;
        events.report("merged", error, "the merge was rolled back and the guest kept");
        return false;
      }
    },

    /**
     * True when a guest row exists for the user (the database's word, not the snapshot's);
     * false for `null`/`undefined` (anonymous) and for registered or deleted users.
     * @example
     * ```ts
     * if (await guestUsers.isGuestUser(user)) return redirect("/convert/");
     * ```
     */
    async isGuestUser(user: UserRef | null | undefined): Promise<boolean> {
      if (user === null || user === undefined) return false;
      return withDatabase(context, async () => (await guests.find(db, idOf(user))) !== undefined);
    },

    /** The guest row of a user (created, last seen, extra data), or null for a non-guest. */
    async getGuest(user: UserRef): Promise<GuestRecord | null> {
      return withDatabase(context, async () => (await guests.find(db, idOf(user))) ?? null);
    },

    /** Replaces a guest's extra JSON data; throws `NOT_GUEST` for a non-guest. */
    async setGuestData(user: UserRef, data: GuestData | null): Promise<void> {
      const updated = await withDatabase(context, () => guests.setData(db, idOf(user), data));
      if (updated === 0) throw new NotGuestError(idOf(user));
    },
  };
}
