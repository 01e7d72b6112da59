import { parseOptions } from "../../shared/option-schema.ts";
import { sameText } from "./flow-cookie.ts";
import { identityOf } from "./oidc-provider.ts";
import {
  codeOf,
  OAuthError,
  type OAuthProvider,
  optionalPeer,
  PRESET_OPTIONS,
  type PresetOptions,
  type ProviderIdentity,
} from "./provider.ts";

/** Options of {@link googleProvider} (a Google Cloud "OAuth client ID" of type Web application). */
export type GoogleProviderOptions = PresetOptions;

const ISSUERS = new Set(["https://accounts.google.com", "accounts.google.com"]);

/**
 * Checks the claims of an ID token received straight from Google's token endpoint over TLS
 * (OpenID Connect Core 3.1.3.7: the TLS channel stands in for the signature check):
 * issuer, audience, expiry and nonce.
 */
function checkedClaims(
  claims: Record<string, unknown>,
  clientId: string,
  nonce: string,
  now: number,
) {
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const problem = !ISSUERS.has(String(claims.iss))
    ? "issuer"
    : !audience.includes(clientId)
      ? "audience"
      : typeof claims.exp !== "number" || claims.exp * 1000 < now
        ? "expiry"
        : typeof claims.nonce !== "string" || !sameText(claims.nonce, nonce)
          ? "nonce"
          : null;
  if (problem) throw new OAuthError(`Google's ID token failed the ${problem} check.`);
  return claims;
}

/**
 * Sign in with Google, through arctic (install it: `npm i arctic`): Authorization Code with
 * PKCE (S256), `state` and `nonce`; the identity comes from the ID token (`sub`, `email`,
 * `email_verified`, `name`; the username from the e-mail's local part). For any other OpenID
 * Connect issuer, or to have the token's signature checked too, use {@link oidcProvider}
 * with `issuer: "https://accounts.google.com"`.
 *
 * @example
 * ```ts
 * googleProvider({ clientId: process.env.GOOGLE_CLIENT_ID!, clientSecret: process.env.GOOGLE_CLIENT_SECRET! });
 * ```
 */
export function googleProvider(options: GoogleProviderOptions): OAuthProvider {
  const given = parseOptions(PRESET_OPTIONS, options, "googleProvider()");
  const scopes = [...(given.scopes ?? ["openid", "email", "profile"])];
  const load = () => optionalPeer("arctic", () => import("arctic"));
  const clientFor = async (redirectUri: string) => {
    const arctic = await load();
    return {
      arctic,
      google: new arctic.Google(given.clientId, given.clientSecret, redirectUri),
    };
  };
  return {
    name: given.name ?? "google",
    label: given.label ?? "Google",
    ...(given.redirectUri ? { redirectUri: given.redirectUri } : {}),

    async authorizationUrl({ redirectUri, state, codeVerifier, nonce }) {
      const { google } = await clientFor(redirectUri);
      const url = google.createAuthorizationURL(state, codeVerifier, scopes);
      url.searchParams.set("nonce", nonce);
      return url;
    },

    async identify({ url, redirectUri, codeVerifier, nonce }): Promise<ProviderIdentity> {
      const { arctic, google } = await clientFor(redirectUri);
      const tokens = await google.validateAuthorizationCode(codeOf(url), codeVerifier);
      const claims = arctic.decodeIdToken(tokens.idToken()) as Record<string, unknown>;
      return identityOf(checkedClaims(claims, given.clientId, nonce, Date.now()));
    },
  };
}
