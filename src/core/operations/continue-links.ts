import { LinkExpiredError } from "../../shared/errors.ts";
import { type ContinueLinkQueries, continueLinkQueries } from "../../store/continue-link-store.ts";
import { issueToken, parseToken, secretMatches } from "../model/tokens.ts";
import { idOf, type User, type UserRef } from "../model/types.ts";
import { type Context, findUser, withDatabase } from "../runtime/context.ts";

/** A one-time link's secret part: put it in the URL, never in a log. */
export interface ContinueLink {
  /** `<id>.<secret>`; only a hash of the secret is stored. */
  readonly token: string;
  /** Milliseconds since the epoch: `continueLinkTtlSeconds` after it was made. */
  readonly expiresAt: number;
}

/** Options of `guestUsers.createContinueLink()`. */
export interface CreateContinueLinkOptions {
  /**
   * The token of the session asking for the link: the link then ends with that session (its
   * log-out). Without it the link ends only with all of the user's sessions, or its time.
   * @default null
   * @example { sessionToken: state.token }
   */
  readonly sessionToken?: string | null;
}

/** The user a valid link would continue as (the confirm page), and when the link ends. */
export interface ContinueLinkInfo {
  readonly user: User;
  readonly expiresAt: number;
}

/** Finds the unexpired link of `token` with its secret checked in constant time, or null. */
async function validLink(context: Context, links: ContinueLinkQueries, token: string) {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const row = await links.find(context.db, parsed.id);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
  return row.expiresAt > context.settings.clock() ? row : null;
}

/**
 * "Continue on another device": a user asks for a one-time link; opening it on another device
 * and confirming gives that device its own session for the same user.
 */
export function continueLinkManager(context: Context) {
  const { db, settings } = context;
  const links = continueLinkQueries(settings.tables);
  return {
    /**
     * Makes a one-time link for `user` that works for `continueLinkTtlSeconds`; stored hashed.
     * @example
     * ```ts
     * const { token, expiresAt } = await guestUsers.createContinueLink(user, { sessionToken });
     * const url = `https://example.com/accounts/continue/?token=${token}`;
     * ```
     */
    async createContinueLink(
      user: UserRef,
      options: CreateContinueLinkOptions = {},
    ): Promise<ContinueLink> {
      const now = settings.clock();
      const issued = issueToken();
      const expiresAt = now + settings.continueLinkTtlSeconds * 1000;
      const sessionId = options.sessionToken
        ? (parseToken(options.sessionToken)?.id ?? null)
        : null;
      await withDatabase(context, () =>
        links.insert(db, {
          id: issued.id,
          secretHash: issued.secretHash,
          userId: idOf(user),
          sessionId,
          createdAt: now,
          expiresAt,
        }),
      );
      return { token: issued.token, expiresAt };
    },

    /**
     * Who a link would continue as, without using it (for a confirm page); null when it is
     * malformed, unknown, used, ended or expired.
     * @example
     * ```ts
     * const info = await guestUsers.continueLinkInfo(token);
     * if (!info) return gone();
     * ```
     */
    continueLinkInfo: (token: string): Promise<ContinueLinkInfo | null> =>
      withDatabase(context, async () => {
        const row = await validLink(context, links, token);
        const user = row && (await findUser(context, db, row.userId));
        return row && user ? { user, expiresAt: row.expiresAt } : null;
      }),

    /**
     * Uses a link: exactly once (of two parallel uses, one wins), before it expires. Returns
     * the user to log in on this device (start a NEW session for it, e.g. `http.logIn`), and
     * fires `continued`. Throws {@link LinkExpiredError} (`LINK_EXPIRED`) otherwise.
     * @example
     * ```ts
     * const user = await guestUsers.redeemContinueLink(token);
     * const { token: sessionToken } = await guestUsers.createSession(user.id);
     * ```
     */
    async redeemContinueLink(token: string): Promise<User> {
      const user = await withDatabase(context, async () => {
        const row = await validLink(context, links, token);
        if (!row || !(await links.consume(db, row.id, settings.clock()))) return null;
        return findUser(context, db, row.userId);
      });
      if (!user) throw new LinkExpiredError();
      await context.events.emit("continued", { user });
      return user;
    },

    /** Deletes expired continue links; returns how many (the clean-up runs it too). */
    deleteExpiredContinueLinks: (): Promise<number> =>
      withDatabase(context, () => links.deleteExpired(db, settings.clock())),
  };
}
