import { hasUsablePassword } from "../model/passwords.ts";
import { parseToken, secretMatches } from "../model/tokens.ts";
import type { UserId } from "../model/types.ts";
import { type Context, withDatabase } from "../runtime/context.ts";

/** What `guestUsers.signInStatus()` tells of a session. */
export interface SignInStatus {
  /** The session's user. */
  readonly userId: UserId;
  /** True when the user has a password to confirm with; false for guests and social accounts. */
  readonly hasPassword: boolean;
  /**
   * When this session began, in milliseconds since the epoch: the sign-in it came from (a
   * login, a sign-up, a conversion, a social sign-in: each starts a new session).
   */
  readonly signedInAt: number;
}

/** Who signed in how, and when: for pages that ask for a recent sign-in. */
export function signInStatusManager(context: Context) {
  const { db, sessions, settings } = context;
  return {
    /**
     * Whether the user of a session has a password, and when the session began: a sensitive
     * action (deleting the account) asks a user who cannot confirm with a password for a recent
     * sign-in. ONE query, never from the `sessionCache` (not for every request: the hot path's
     * lookup stays as it is); null for a malformed, unknown, forged or expired token.
     * @example
     * ```ts
     * const status = await guestUsers.signInStatus(state.token);
     * const recent = status !== null && Date.now() - status.signedInAt < 10 * 60_000;
     * if (status && !status.hasPassword && !recent) return askToSignInAgain();
     * ```
     */
    async signInStatus(token: string | null | undefined): Promise<SignInStatus | null> {
      const parsed = token ? parseToken(token) : null;
      if (!parsed) return null;
      const found = await withDatabase(context, () => sessions.lookup(db, parsed.id));
      if (!found || !secretMatches(parsed.secret, found.session.secretHash)) return null;
      if (found.session.expiresAt <= settings.clock()) return null;
      return {
        userId: found.user.id,
        hasPassword: hasUsablePassword(found.user.passwordHash),
        signedInAt: found.session.createdAt,
      };
    },
  };
}
