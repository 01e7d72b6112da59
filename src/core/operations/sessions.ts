import type { Db } from "../../store/dialect.ts";
import type { SessionLookup } from "../../store/session-store.ts";
import { issueToken, parseToken, secretMatches } from "../model/tokens.ts";
import type { User, UserId } from "../model/types.ts";
import { type Context, toUser, withDatabase } from "../runtime/context.ts";
import { guestExpiresAt } from "../runtime/expiry.ts";

/** A session as the app sees it: the token goes into the cookie. */
export interface Session {
  /** `<id>.<secret>`; only a hash of the secret is stored. */
  readonly token: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** What `guestUsers.sessionCacheStatus()` reports. */
export interface SessionCacheStatus {
  /** How revocations travel: `"postgres"` (LISTEN/NOTIFY), `"redis"` (pub/sub) or `"local"`. */
  readonly invalidation: "postgres" | "redis" | "local";
  /**
   * True while revocations are surely received, so sessions are served from memory; false
   * (the channel not started yet, reconnecting or down): every lookup goes to the database.
   */
  readonly listening: boolean;
  /** Sessions in memory now. */
  readonly size: number;
}

/** A valid session and who it belongs to. */
export interface ValidatedSession {
  readonly user: User;
  readonly session: Session;
  /** True when this validation extended the expiry: send the cookie again with the new date. */
  readonly refreshed: boolean;
  /**
   * For a guest: `expiresAt()`, read by the session lookup's one query (with `expireBy:
   * "lastSeenAt"`, this request's refresh included); null for a registered user. From the
   * `sessionCache` it may be up to `ttlMs` old (a note just saved may not count yet).
   */
  readonly guestExpiresAt: number | null;
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

/** Session operations: create on login, validate on every request (ONE query), revoke. */
export function sessionManager(context: Context) {
  const { settings, sessions, guests, db } = context;
  /** The slid expiry when one is due (at most once per `session.refreshInterval`), else null. */
  const slid = (expiresAt: number, now: number) => {
    const { maxAge, refreshInterval } = settings.session;
    return expiresAt - now < (maxAge - refreshInterval) * 1000 ? now + maxAge * 1000 : null;
  };
  /** The sliding-expiry write (and a guest's `last_seen_at`, in the lookup too). */
  const refresh = async (id: string, found: SessionLookup, moved: number, now: number) => {
    await Promise.all([
      sessions.extend(db, id, moved),
      found.isGuest ? guests.touch(db, found.user.id, now) : undefined,
    ]);
    if (found.guest) found.guest.lastSeenAt = now;
  };
  const validated = (
    found: SessionLookup,
    token: string,
    expiresAt: number,
    refreshed: boolean,
  ): ValidatedSession => ({
    user: toUser(found.user, found.isGuest),
    session: { token, expiresAt },
    refreshed,
    guestExpiresAt:
      found.isGuest && found.guest ? guestExpiresAt(found.guest, settings, found.guest.kept) : null,
  });
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
     * an error). Extends the expiry at most once per `session.refreshInterval`. With the
     * `sessionCache` option a session looked up less than `ttlMs` ago is served from memory,
     * without a query (the secret and the expiry are still checked).
     * @example
     * ```ts
     * const current = await guestUsers.validateSession(cookies.get("guest_user_session"));
     * if (current?.user.isGuest) showBanner();
     * ```
     */
    async validateSession(token: string | null | undefined): Promise<ValidatedSession | null> {
      const parsed = token ? parseToken(token) : null;
      if (!parsed) return null;
      const cached = context.sessionCache?.usable() ? context.sessionCache.cache : null;
      return context.metrics.sessionLookup(() =>
        withDatabase(context, async () => {
          const entry = cached?.get(parsed.id, settings.clock());
          if (entry) {
            // Served from memory: the same checks as below, no query unless a refresh is due.
            if (!secretMatches(parsed.secret, entry.lookup.session.secretHash)) return null;
            const now = settings.clock();
            if (entry.expiresAt > now) {
              const moved = slid(entry.expiresAt, now);
              if (moved !== null) {
                entry.expiresAt = moved;
                await refresh(parsed.id, entry.lookup, moved, now).catch((error: unknown) => {
                  cached?.evict(parsed.id);
                  throw error;
                });
              }
              return validated(entry.lookup, token as string, entry.expiresAt, moved !== null);
            }
            cached?.evict(parsed.id);
          }
          const generation = cached?.generation ?? 0;
          const found = await sessions.lookup(db, parsed.id);
          if (!found || !secretMatches(parsed.secret, found.session.secretHash)) return null;
          const now = settings.clock();
          if (found.session.expiresAt <= now) {
            await sessions.delete(db, parsed.id);
            return null;
          }
          const moved = slid(found.session.expiresAt, now);
          if (moved !== null) await refresh(parsed.id, found, moved, now);
          const expiresAt = moved ?? found.session.expiresAt;
          // Not if a revocation arrived meanwhile (generation moved): the answer may be stale.
          cached?.set(parsed.id, found, expiresAt, now, generation);
          return validated(found, token as string, expiresAt, moved !== null);
        }),
      );
    },

    /**
     * The session cache's state, for health checks; null when the `sessionCache` option is off.
     * @example
     * ```ts
     * const cache = guestUsers.sessionCacheStatus();
     * if (cache && !cache.listening) log.warn("session cache bypassed");
     * ```
     */
    sessionCacheStatus(): SessionCacheStatus | null {
      const runtime = context.sessionCache;
      return runtime
        ? { invalidation: runtime.kind, listening: runtime.listening, size: runtime.cache.size }
        : null;
    },

    /**
     * Ends one session (logout). Unknown or malformed tokens are ignored. A guest's creation
     * key ends with it (see `CreateGuestUserInput.creationKey`): a log-out is final.
     */
    async invalidateSession(token: string | null | undefined): Promise<void> {
      const parsed = token ? parseToken(token) : null;
      if (!parsed) return;
      await withDatabase(context, async () => {
        await guests.endCreationKeyOfSession(db, parsed.id);
        await sessions.delete(db, parsed.id);
      });
    },

    /** Ends every session of a user (a password change, "log out everywhere"); returns how many. */
    invalidateUserSessions: (userId: UserId) =>
      withDatabase(context, () => sessions.deleteForUser(db, userId)),

    /** Deletes expired session rows; returns how many. */
    deleteExpiredSessions: () =>
      withDatabase(context, () => sessions.deleteExpired(db, settings.clock())),
  };
}
