import type { Identity } from "../../core/model/types.ts";

/**
 * What a Passport strategy's verify callback gets as `profile` (passport-github2,
 * passport-google-oauth20, passport-openidconnect...), as far as an identity needs it.
 */
export interface PassportProfile {
  /** The provider's user id. */
  readonly id: string | number;
  /** The strategy's provider name (`"github"`, `"google"`). */
  readonly provider?: string;
  readonly username?: string;
  readonly displayName?: string;
  readonly emails?: readonly { readonly value: string; readonly verified?: boolean | string }[];
}

/**
 * The {@link Identity} in a Passport profile: `id` as subject, `username` as preferred
 * username, the first (verified, if any is) e-mail.
 * @default provider profile.provider
 * @example
 * ```ts
 * passport.use(new GitHubStrategy({ clientID, clientSecret, callbackURL, passReqToCallback: true },
 *   (req, _accessToken, _refreshToken, profile, done) => {
 *     guestUser.socialLogin(req, passportIdentity(profile)).then((user) => done(null, user), done);
 *   }));
 * ```
 */
export function passportIdentity(profile: PassportProfile, provider?: string): Identity {
  const emails = profile.emails ?? [];
  const verified = emails.find((e) => e.verified === true || e.verified === "true");
  const email = verified ?? emails[0];
  return {
    provider: provider ?? profile.provider ?? "oauth",
    subject: String(profile.id),
    email: email?.value ?? null,
    emailVerified: email !== undefined && email === verified,
    preferredUsername: profile.username ?? null,
    name: profile.displayName ?? null,
  };
}
