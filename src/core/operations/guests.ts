import { GuestUserError, NotGuestError } from "../../shared/errors.ts";
import { checkJsonText, checkText } from "../../shared/storable-text.ts";
import type { GuestData, GuestRecord } from "../../store/guest-store.ts";
import { normalizeUsername } from "../../store/username-case.ts";
import { hashPassword } from "../model/passwords.ts";
import { issueToken } from "../model/tokens.ts";
import { idOf, type User, type UserRef } from "../model/types.ts";
import { crawlerDetector } from "../model/user-agents.ts";
import { cutToMaxLength } from "../model/usernames/name-generator.ts";
import { uuidNameGenerator } from "../model/usernames/uuid.ts";
import { type Context, toUser, withDatabase } from "../runtime/context.ts";
import { formCredentials, insertedRow, usernameTaken } from "./accounts.ts";
import { mergeGuestInto } from "./deletion.ts";
import { countConversionAfterQuota } from "./quotas.ts";
import { insertSession, type Session } from "./sessions.ts";
import { type AcceptTermsOption, recordTermsAcceptance, termsVersionOf } from "./terms.ts";

/** Generated names tried after a clash (told the attempt, to widen its space), then UUID ones. */
export const USERNAME_ATTEMPTS = 10;

/**
 * How long a creation key is handed back (see {@link CreateGuestUserInput.creationKey}): one
 * page's parallel first writes arrive within milliseconds, seconds under load. The clocks of
 * the app servers must agree to well within this (NTP does).
 */
const CREATION_KEY_WINDOW_MS = 5 * 1000;

/** What `guestUsers.createGuestUser()` takes; every field optional. */
export interface CreateGuestUserInput {
  /** The request that creates the guest: `guestCreated` fires only when it is given. */
  readonly request?: Request | (() => Request);
  /** The preferred username; a generated one replaces it if taken. @default a generated name */
  readonly username?: string;
  /** Extra data stored on the guest row (JSON). @default null */
  readonly data?: GuestData | null;
  /**
   * A secret tied to the browser asking (the web layer passes an HMAC of its signed CSRF seed and
   * of the page token the write proved): a second creation with the same key within 5 seconds (the
   * insert race of parallel first writes) returns the SAME guest (with a new session); later the
   * key is spent, never handed over again (the late write gets a guest of its own, without the
   * key), nor after the guest's session is ended (`invalidateSession`). Never a value a visitor
   * could guess or read: whoever can replay it during the race gets the guest.
   * @default null (every call makes a new guest)
   */
  readonly creationKey?: string | null;
}

/** Guest operations: the reference's GuestManager and helper functions. */
export function guestManager(context: Context) {
  const { db, quirks, settings, users, guests, sessions, events } = context;
  const isBlocked = crawlerDetector(settings.blockedUserAgents, settings.detectBots);
  const maxLength = settings.tables.users.usernameMaxLength;
  const nameFor = (attempt: number) =>
    attempt <= USERNAME_ATTEMPTS
      ? settings.generateName({ maxLength, attempt })
      : uuidNameGenerator({ maxLength, attempt });

  // A guest (user, guest row, optional session, funnel count) all or nothing, with the default
  // users store (not a custom `userStore`): ONE statement on PostgreSQL, one synchronous
  // transaction on a SQLite database we opened; else one transaction through Kysely. A unique
  // violation (a taken username, a creation key in use) leaves nothing and is thrown.
  const oneStatement = context.tableUsers ? quirks.guestInsert?.(settings.tables, db) : null;
  const writeGuest = async (
    username: string,
    data: GuestData | null,
    creationKey: string | null,
    withSession: boolean,
  ) => {
    const now = settings.clock();
    const user = { username, passwordHash: null, email: null, now };
    if (!oneStatement) {
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
    const id = await oneStatement(db, { username, now, data, creationKey, session });
    return {
      user: toUser(insertedRow(id, user), true),
      session: issued && { token: issued.token, expiresAt },
      created: true,
    };
  };

  /**
   * The guest that holds `key`, with a new session, while the key is handed back
   * ({@link CREATION_KEY_WINDOW_MS}); "spent" when an older guest holds it, null when none
   * does (the clash was the username, or the guest is gone).
   */
  const converge = async (key: string, withSession: boolean) => {
    const guest = await guests.findByCreationKey(db, key);
    if (!guest) return null;
    if (guest.createdAt < settings.clock() - CREATION_KEY_WINDOW_MS) return "spent" as const;
    const row = await users.findById(db, guest.userId);
    if (!row) return null;
    const session = withSession ? await insertSession(context, db, row.id) : null;
    return { user: toUser(row, true), session, created: false };
  };

  async function insertGuest(input: CreateGuestUserInput, withSession: boolean) {
    let username = input.username
      ? cutToMaxLength(normalizeUsername(input.username), maxLength)
      : nameFor(1);
    let key = input.creationKey ?? null;
    for (let attempt = 1; ; attempt++) {
      try {
        return await writeGuest(username, input.data ?? null, key, withSession);
      } catch (error) {
        if (!quirks.isUniqueViolation(error)) throw error;
        if (key) {
          // The clash may be this key: a parallel first write of the same page made the guest.
          const existing = await converge(key, withSession);
          if (existing === "spent") {
            key = null;
            continue;
          }
          if (existing) return existing;
        }
        if (attempt > USERNAME_ATTEMPTS + 3) {
          // Unreachable in practice (UUID names): a non-unique-username violation, say.
          throw new GuestUserError(
            "USERNAME_EXHAUSTED",
            `No free username after ${attempt} attempts: check the users table's unique constraints, or use nameGenerator: "uuid".`,
            { cause: error },
          );
        }
        username = nameFor(attempt + 1);
        if (attempt > 2) key = null;
      }
    }
  }

  async function create(input: CreateGuestUserInput, withSession: boolean) {
    checkText("username", input.username);
    if (input.data) checkJsonText("data", input.data);
    const created = await withDatabase(context, () => insertGuest(input, withSession));
    if (created.created) context.metrics.created();
    if (created.created && input.request && events.has("guestCreated")) {
      const request = typeof input.request === "function" ? input.request() : input.request;
      await events.emit("guestCreated", { user: created.user, request });
    }
    return created;
  }

  return {
    /**
     * Creates a guest: the user row (no usable password) and its guest row, all or nothing
     * (ONE statement on PostgreSQL with the default users store, else one transaction). A taken
     * username is replaced by a generated one (at most `USERNAME_ATTEMPTS` tries, then
     * `USERNAME_EXHAUSTED`); `INVALID_INPUT` for a `username` or `data` no database can store.
     * @example
     * ```ts
     * const user = await guestUsers.createGuestUser({ request });
     * ```
     */
    async createGuestUser(input: CreateGuestUserInput = {}): Promise<User> {
      return (await create(input, false)).user;
    },

    /**
     * Creates a guest AND its first session, all or nothing (one statement on PostgreSQL, see
     * `createGuestUser()`), as `maybeCreateGuestUser` does: put `session.token` in the cookie.
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
     * True when a request may get a guest as far as the core can tell: guests are enabled and
     * the User-Agent is present and not a crawler (`blockedUserAgents`, plus isbot's list
     * unless `detectBots` is false). The web layer adds limits and the app's veto.
     */
    canCreateGuest(request: { readonly headers: { get(name: string): string | null } }): boolean {
      return settings.enabled && !isBlocked(request.headers.get("user-agent"));
    },

    /** True when the User-Agent is empty, missing or a crawler's (see {@link canCreateGuest}). */
    isBlockedUserAgent: (userAgent: string | null) => isBlocked(userAgent),

    /**
     * Converts a guest to a registered user: validates `input` with the convert form, then in
     * ONE transaction removes the guest row (none: `NOT_GUEST`), sets username and password
     * on the SAME user row and ends all its sessions. Fires `converted` after commit. The
     * input, username and `options.acceptTerms` are checked, stored and refused (nothing
     * changed) as by `createUser`.
     * @default options {} (no terms acceptance recorded)
     * @example
     * ```ts
     * const user = await guestUsers.convert(currentUser, await request.formData());
     * const { token } = await guestUsers.createSession(user.id); // log in afresh
     * ```
     */
    async convert(user: UserRef, input: unknown, options: AcceptTermsOption = {}): Promise<User> {
      const id = idOf(user);
      const termsVersion = termsVersionOf(options);
      const credentials = await formCredentials(context, input);
      const { username } = credentials;
      const converted = await withDatabase(context, async () => {
        const existing = await users.findByUsername(db, username);
        if (existing && existing.id !== id) {
          if (!(await guests.find(db, id))) throw new NotGuestError(id);
          throw usernameTaken();
        }
        const passwordHash = await hashPassword(credentials.password, settings.passwordHashing);
        try {
          await db.transaction().execute(async (trx) => {
            await countConversionAfterQuota(context, trx, id, settings.clock()); // quotas (issue 20)
            if ((await guests.delete(trx, id)) === 0) throw new NotGuestError(id);
            await users.setCredentials(trx, id, {
              username,
              passwordHash,
              email: credentials.email ?? null,
            });
            await sessions.deleteForUser(trx, id);
            await context.funnel.bump(trx, "converted", 1, settings.clock());
            if (termsVersion !== null)
              await recordTermsAcceptance(context, trx, id, termsVersion, settings.clock());
          });
        } catch (error) {
          if (quirks.isUniqueViolation(error)) throw usernameTaken();
          throw error;
        }
        const row = await users.findById(db, id);
        if (!row) throw new NotGuestError(id);
        return toUser(row, false);
      });
      context.metrics.converted("form");
      await events.emit("converted", { user: converted });
      return converted;
    },

    /**
     * Merges a guest into an existing account (the guest logged in to it): in ONE transaction
     * the guest row is locked, the rows of the `ownership` tables move to `into` (each as its
     * `onMerge` says), the `merged` listeners move the rest through the event's `db` (its user
     * and guest rows, with its `data`, still there), then the guest user is deleted. Returns
     * false, changing nothing, with neither owned tables nor a `merged` listener, when a
     * listener or an `onMerge` throws (reported to the logger; a unique key broken by a
     * `"move"` included), or when `into` is the guest itself. Throws `NOT_GUEST` for a
     * non-guest, and `OUTER_DB_IN_LISTENER` (rolled back) when a listener queries through
     * `guestUsers.db` or another `guestUsers` method instead of the event's `db`.
     * @example
     * ```ts
     * guestUsers.on("merged", async ({ guest, user, db }) => {
     *   await sql`update notes set user_id = ${user.id} where user_id = ${guest.id}`.execute(db);
     * });
     * await guestUsers.mergeGuest(guestUser, registeredUser);
     * ```
     */
    mergeGuest: (guest: User, into: User): Promise<boolean> => mergeGuestInto(context, guest, into),

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

    /**
     * Replaces a guest's extra JSON data; throws `NOT_GUEST` for a non-guest, `INVALID_INPUT`
     * (nothing changed) for a string in it that no database can store.
     */
    async setGuestData(user: UserRef, data: GuestData | null): Promise<void> {
      if (data) checkJsonText("data", data);
      const updated = await withDatabase(context, () => guests.setData(db, idOf(user), data));
      if (updated === 0) throw new NotGuestError(idOf(user));
    },
  };
}
