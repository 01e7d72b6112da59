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
  text,
} from "./provider.ts";

/** Options of {@link githubProvider} (an OAuth App or GitHub App's client id and secret). */
export type GithubProviderOptions = PresetOptions;

const AUTHORIZE = "https://github.com/login/oauth/authorize";
const TOKEN = "https://github.com/login/oauth/access_token";
const API = "https://api.github.com";

const load = () => optionalPeer<typeof import("arctic")>("arctic");

async function api(path: string, accessToken: string): Promise<unknown> {
  const response = await fetch(`${API}${path}`, {
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${accessToken}`,
      "user-agent": "guest-user",
      "x-github-api-version": "2022-11-28",
    },
  });
  if (!response.ok) throw new OAuthError(`GitHub answered ${response.status} for ${path}.`);
  return response.json();
}

/**
 * Sign in with GitHub, through arctic (install it: `npm i arctic`): Authorization Code with
 * PKCE (S256) and `state`; the identity is the GitHub user (`id` as subject, `login` as
 * preferred username) with its primary verified e-mail.
 *
 * @example
 * ```ts
 * githubProvider({ clientId: process.env.GITHUB_CLIENT_ID!, clientSecret: process.env.GITHUB_CLIENT_SECRET! });
 * ```
 */
export function githubProvider(options: GithubProviderOptions): OAuthProvider {
  const given = parseOptions(PRESET_OPTIONS, options, "githubProvider()");
  const scopes = [...(given.scopes ?? ["read:user", "user:email"])];
  const clientFor = async (redirectUri: string) => {
    const { OAuth2Client } = await load();
    return new OAuth2Client(given.clientId, given.clientSecret, redirectUri);
  };
  return {
    name: given.name ?? "github",
    label: given.label ?? "GitHub",
    ...(given.redirectUri ? { redirectUri: given.redirectUri } : {}),

    async authorizationUrl({ redirectUri, state, codeVerifier }) {
      const client = await clientFor(redirectUri);
      const { S256 } = (await load()).CodeChallengeMethod;
      return client.createAuthorizationURLWithPKCE(AUTHORIZE, state, S256, codeVerifier, scopes);
    },

    async identify({ url, redirectUri, codeVerifier }) {
      const client = await clientFor(redirectUri);
      const tokens = await client.validateAuthorizationCode(TOKEN, codeOf(url), codeVerifier);
      const token = tokens.accessToken();
      const user = (await api("/user", token)) as Record<string, unknown>;
      const id = user.id;
      if (typeof id !== "number" && typeof id !== "string")
        throw new OAuthError("GitHub sent no user id.");
      const emails: unknown = await api("/user/emails", token).catch(() => []);
      const primary = Array.isArray(emails)
        ? emails.find((e) => e?.primary === true && e?.verified === true)
        : undefined;
      const verified = text(primary?.email);
      return {
        subject: String(id),
        email: verified ?? text(user.email),
        emailVerified: verified !== null,
        preferredUsername: text(user.login),
        name: text(user.name),
      };
    },
  };
}

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
  const clientFor = async (redirectUri: string) => {
    const { Google } = await load();
    return new Google(given.clientId, given.clientSecret, redirectUri);
  };
  return {
    name: given.name ?? "google",
    label: given.label ?? "Google",
    ...(given.redirectUri ? { redirectUri: given.redirectUri } : {}),

    async authorizationUrl({ redirectUri, state, codeVerifier, nonce }) {
      const google = await clientFor(redirectUri);
      const url = google.createAuthorizationURL(state, codeVerifier, scopes);
      url.searchParams.set("nonce", nonce);
      return url;
    },

    async identify({ url, redirectUri, codeVerifier, nonce }): Promise<ProviderIdentity> {
      const google = await clientFor(redirectUri);
      const tokens = await google.validateAuthorizationCode(codeOf(url), codeVerifier);
      const claims = (await load()).decodeIdToken(tokens.idToken()) as Record<string, unknown>;
      return identityOf(checkedClaims(claims, given.clientId, nonce, Date.now()));
    },
  };
}
