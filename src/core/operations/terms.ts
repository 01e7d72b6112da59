import { GuestUserError, InvalidConfigError, ValidationError } from "../../shared/errors.ts";
import type { Db } from "../../store/dialect.ts";
import { type TermsAcceptance, termsQueries } from "../../store/terms-store.ts";
import { idOf, type UserId, type UserRef } from "../model/types.ts";
import { type Context, withDatabase } from "../runtime/context.ts";

export type { TermsAcceptance } from "../../store/terms-store.ts";

/** A terms version as the `terms` option accepts it: up to 64 letters, digits or `.:-_`. */
const VERSION = /^[\w.:-]{1,64}$/;

/**
 * The option of `convert()` and `createUser()` that records a terms-of-service acceptance in
 * the same transaction as the conversion or the new user.
 *
 * @example
 * ```ts
 * await guestUsers.convert(guest, form, { acceptTerms: guestUsers.settings.terms?.version });
 * ```
 */
export interface AcceptTermsOption {
  /**
   * The terms version the user accepted with this form; recorded with the user, atomically.
   * @default null (nothing recorded)
   * @example acceptTerms: "2026-11"
   */
  readonly acceptTerms?: string | null;
}

/** Checks a terms version before anything is written; returns it, or null for none. */
export function termsVersionOf(option: AcceptTermsOption | undefined): string | null {
  const version = option?.acceptTerms ?? null;
  if (version === null) return null;
  if (typeof version !== "string" || !VERSION.test(version)) {
    throw new ValidationError({
      accept_terms: [
        `The terms version must be up to 64 letters, digits or ".:-_", got ${JSON.stringify(version)}: pass settings.terms.version.`,
      ],
    });
  }
  return version;
}

/** Records an acceptance in the caller's transaction `db`, as {@link AcceptTermsOption} asks. */
export const recordTermsAcceptance = (
  context: Context,
  db: Db,
  userId: UserId,
  version: string,
  now: number,
) => termsQueries(context.settings.tables, context.quirks.upserts).upsert(db, userId, version, now);

/** Terms of service (the reference's django-tos integration): acceptances per user. */
export function termsManager(context: Context) {
  const { db, settings, users, guests } = context;
  const terms = termsQueries(settings.tables, context.quirks.upserts);

  return {
    /**
     * Records that the user accepted the terms of service, `version`, now; an earlier acceptance is
     * replaced. Guests may accept too: the acceptance stays with the user when it converts (same
     * id). Throws `INVALID_CONFIG` when no `terms` option is configured, `VALIDATION_FAILED` for a
     * malformed version and `USER_NOT_FOUND` for an unknown user.
     * @default version settings.terms.version
     * @example
     * ```ts
     * await guestUsers.acceptTerms(user); // the current version
     * ```
     */
    async acceptTerms(user: UserRef, version?: string): Promise<TermsAcceptance> {
      if (!settings.terms) {
        throw new InvalidConfigError(
          "terms",
          "no terms of service are configured: pass `terms: { version, url }` to createGuestUsers() before recording acceptances.",
        );
      }
      const accepted = termsVersionOf({ acceptTerms: version ?? settings.terms.version }) as string;
      const id = idOf(user);
      const acceptedAt = settings.clock();
      await withDatabase(context, async () => {
        if (!(await users.findById(db, id))) {
          throw new GuestUserError(
            "USER_NOT_FOUND",
            `No user ${String(id)}: it was deleted, or the id is wrong; load the user again before recording its acceptance.`,
          );
        }
        await terms.upsert(db, id, accepted, acceptedAt);
      });
      return { version: accepted, acceptedAt };
    },

    /**
     * The version the user accepted and when, or null when it never accepted any (or for
     * `null`, an anonymous visitor). One query.
     * @example
     * ```ts
     * const acceptance = await guestUsers.termsAcceptance(user); // { version: "2026-11", acceptedAt: 1795000000000 }
     * ```
     */
    async termsAcceptance(user: UserRef | null | undefined): Promise<TermsAcceptance | null> {
      if (user === null || user === undefined) return null;
      return withDatabase(context, async () => (await terms.find(db, idOf(user))) ?? null);
    },

    /**
     * True when the user may go on as far as the terms are concerned: terms are not configured, or
     * the user is a guest (guests pass, as in the reference), or it accepted the CURRENT version. A
     * new `terms.version` makes it false for everyone registered. False for `null` (anonymous). A
     * `User` object's `isGuest` is trusted (one query for a registered user); a bare id costs two.
     * @example
     * ```ts
     * if (!(await guestUsers.hasAcceptedTerms(user))) return redirect("/accounts/terms/");
     * ```
     */
    async hasAcceptedTerms(user: UserRef | null | undefined): Promise<boolean> {
      const current = settings.terms?.version;
      if (current === undefined) return true;
      if (user === null || user === undefined) return false;
      const isGuest = typeof user === "object" && "isGuest" in user ? user.isGuest === true : null;
      if (isGuest) return true;
      const id = idOf(user);
      return withDatabase(context, async () => {
        if ((await terms.find(db, id))?.version === current) return true;
        return isGuest === null && (await guests.find(db, id)) !== undefined;
      });
    },
  };
}
