import type { Db } from "../store/dialect.ts";
import { type Context, toUser, withDatabase } from "./context.ts";
import { issueToken, parseToken, secretMatches } from "./tokens.ts";
import type { User, UserId } from "./types.ts";

/** A session as the app sees it: the token goes into the cookie. */
export interface Session {
  /** `<id>.<secret>`; only a hash of the secret is stored. */
  readonly token: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** A valid session and who it belongs to. */
export interface ValidatedSession {
  readonly user: User;
  readonly session: Session;
  /** True when this validation extended the expiry: send the cookie again with the new date. */
  readonly refreshed: boolean;
}

/** Inserts a new session for a user, inside the given transaction or on the pool. */
export async function insertSession(context: Context, db: Db, userId: UserId): Promise<Session> {
  const now = context.settings.clock();
  const issued = issueToken();
  const expiresAt = now + context.settings.session.maxAge * 1000;
  await context.sessions.insert(db, {
    id: issued.id,
    secretHash: issued.secretHash,
    userId,
    createdAt: now,
    expiresAt,
  });
  return { token: issued.token, expiresAt };
}

/**
 * Session operations: create on login, validate on every request (ONE query on the hot path),
 * revoke one or all.
 */
export function sessionManager(context: Context) {
  const { settings, sessions, guests, db } = context;
  return {
    /**
     * Starts a new session for a user (on login or conversion: never reuse the old one).
     * @example
     * ```ts
     * const { token, expiresAt } = await guestUsers.createSession(user.id);
     * ```
     */
    createSession: (userId: UserId) =>
      withDatabase(context, () => insertSession(context, db, userId)),

    /**
     * Looks a cookie's token up: null for malformed, unknown, forged or expired tokens (never
     * an error). Extends the expiry at most once per `session.refreshInterval`.
     * @example
     * ```ts
     * const current = await guestUsers.validateSession(cookies.get("guest_user_session"));
     * if (current?.user.isGuest) showBanner();
     * ```
     */
    async validateSession(token: string | null | undefined): Promise<ValidatedSession | null> {
      const parsed = token ? parseToken(token) : null;
      if (!parsed) return null;
      return context.metrics.sessionLookup(() =>
        withDatabase(context, async () => {
          const found = await sessions.lookup(db, parsed.id);
          if (!found || !secretMatches(parsed.secret, found.session.secretHash)) return null;
          const now = settings.clock();
          if (found.session.expiresAt <= now) {
            await sessions.delete(db, parsed.id);
            return null;
          }
          const { maxAge, refreshInterval } = settings.session;
          let expiresAt = found.session.expiresAt;
          const refreshed = expiresAt - now < (maxAge - refreshInterval) * 1000;
          if (refreshed) {
            expiresAt = now + maxAge * 1000;
            await Promise.all([
              sessions.extend(db, parsed.id, expiresAt),
              found.isGuest ? guests.touch(db, found.user.id, now) : undefined,
            ]);
          }
          return {
            user: toUser(found.user, found.isGuest),
            session: { token: token as string, expiresAt },
            refreshed,
          };
        }),
      );
    },

    /** Ends one session (logout). Unknown or malformed tokens are ignored. */
    async invalidateSession(token: string | null | undefined): Promise<void> {
      const parsed = token ? parseToken(token) : null;
      if (parsed) await withDatabase(context, () => sessions.delete(db, parsed.id));
    },

    /** Ends every session of a user (a password change, "log out everywhere"); returns how many. */
    invalidateUserSessions: (userId: UserId) =>
      withDatabase(context, () => sessions.deleteForUser(db, userId)),

    /** Deletes expired session rows; returns how many. */
    deleteExpiredSessions: () =>
      withDatabase(context, () => sessions.deleteExpired(db, settings.clock())),
  };
}
