import * as v from "valibot";
import type { Identity } from "../../core/model/types.ts";
import { GuestUserError } from "../../shared/errors.ts";
import { accepted, type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { describeKind, nonEmpty } from "../../shared/option-values.ts";
import { loadPeer } from "../../shared/optional-peer.ts";

/** One sign-in flow as the provider sees it: made by the start route, checked at the callback. */
export interface AuthorizationRequest {
  /** Where the provider sends the visitor back: `<origin><prefix><name>/callback/`. */
  readonly redirectUri: string;
  /** The random `state` (checked against the flow cookie before the provider is called back). */
  readonly state: string;
  /** The PKCE code verifier; send its S256 challenge with the authorization request. */
  readonly codeVerifier: string;
  /** The OpenID Connect nonce; providers without ID tokens ignore it. */
  readonly nonce: string;
}

/** What a provider gets at the callback, after the state was checked. */
export interface CallbackInput extends AuthorizationRequest {
  /** The callback URL as received (carries `code`, `state` and maybe `iss`). */
  readonly url: URL;
}

/** Who the provider says the visitor is; the provider's name is added by the views. */
export type ProviderIdentity = Omit<Identity, "provider">;

/**
 * A social-login provider the OAuth views can use: {@link oidcProvider}, {@link githubProvider},
 * {@link googleProvider}, or your own (any OAuth 2 provider: build the authorization URL with
 * PKCE, then exchange the code and say who the visitor is).
 *
 * @example
 * ```ts
 * const provider: OAuthProvider = {
 *   name: "acme",
 *   label: "Acme",
 *   authorizationUrl: async ({ redirectUri, state, codeVerifier }) => acmeAuthorizeUrl(redirectUri, state, codeVerifier),
 *   identify: async ({ url, redirectUri, codeVerifier }) => acmeWhoIs(url.searchParams.get("code"), redirectUri, codeVerifier),
 * };
 * ```
 */
export interface OAuthProvider {
  /**
   * Its name in this app: the route segment (`/accounts/oauth/<name>/start/`) and the
   * identity's `provider` column. Letters, digits, `_`, `.` and `-`; at most 64 characters.
   */
  readonly name: string;
  /** Shown to visitors ("Sign in with GitHub"). */
  readonly label: string;
  /**
   * The redirect URI registered with the provider, when it is not
   * `<origin><prefix><name>/callback/`.
   * @default undefined (derived from the request, or from oauthViews' `origin`)
   */
  readonly redirectUri?: string;
  /** The URL to send the visitor to. */
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  /** Exchanges the callback's code (with the PKCE verifier) and tells who the visitor is. */
  identify(callback: CallbackInput): Promise<ProviderIdentity>;
}

/**
 * The options every preset takes: the client the provider registered for this app. Each
 * preset's defaults are its own (`githubProvider`: name "github", label "GitHub", scopes
 * `["read:user", "user:email"]`; `googleProvider`: "google", "Google", `["openid", "email", "profile"]`;
 * {@link oidcProvider}: "oidc", "OpenID Connect", the same scopes, `openid` always included).
 *
 * @example
 * ```ts
 * githubProvider({ clientId: process.env.GITHUB_CLIENT_ID ?? "", clientSecret: process.env.GITHUB_CLIENT_SECRET ?? "" });
 * ```
 */
export interface PresetOptions {
  /** The client id the provider gave you. @example process.env.GITHUB_CLIENT_ID */
  readonly clientId: string;
  /** The client secret the provider gave you. @example process.env.GITHUB_CLIENT_SECRET */
  readonly clientSecret: string;
  /**
   * The provider's name in this app (route segment, identities' `provider`).
   * @default the preset's ("github", "google", "oidc")
   */
  readonly name?: string;
  /**
   * What the visitor sees.
   * @default the preset's ("GitHub", "Google", "OpenID Connect")
   */
  readonly label?: string;
  /**
   * The scopes asked for.
   * @default the preset's
   */
  readonly scopes?: readonly string[];
  /**
   * The registered redirect URI, when not `<origin><prefix><name>/callback/`.
   * @default undefined
   */
  readonly redirectUri?: string;
}

/** The schema of {@link PresetOptions}; each preset fills in its own defaults. */
export const PRESET_OPTIONS = optionBag({
  clientId: nonEmpty("the OAuth client id the provider gave you"),
  clientSecret: accepted<string>(
    (value) => typeof value === "string" && value !== "",
    "the OAuth client secret",
    describeKind,
  ),
  name: v.optional(nonEmpty('a name of letters, digits, "_", "." or "-", such as "github"')),
  label: v.optional(nonEmpty('what the visitor sees, such as "GitHub"')),
  scopes: v.optional(
    accepted<readonly string[]>(
      (value) => Array.isArray(value) && value.every((scope) => typeof scope === "string"),
      'a list of scopes, such as ["read:user"]',
    ),
  ),
  redirectUri: v.optional(
    accepted<string>(
      (value) => typeof value === "string" && URL.canParse(value),
      'an absolute URL, such as "https://app.example.com/accounts/oauth/github/callback/"',
    ),
  ),
} satisfies EntriesOf<PresetOptions>);

/** A provider's answer was unusable (no user id, a nonce mismatch...): code `OAUTH_FAILED`. */
export class OAuthError extends GuestUserError {
  constructor(message: string, options?: ErrorOptions) {
    super("OAUTH_FAILED", message, options);
  }
}

/** Loads an optional peer dependency, or explains how to install it (`DRIVER_MISSING`). */
export function optionalPeer<T>(name: string): Promise<T> {
  return loadPeer<T>(
    name,
    `This sign-in provider needs the "${name}" package: run \`npm i ${name}\`.`,
  );
}

/** The code of the callback, or an {@link OAuthError}. */
export function codeOf(url: URL): string {
  const code = url.searchParams.get("code");
  if (!code) throw new OAuthError("The provider sent no authorization code back.");
  return code;
}

/** A string claim, or null. */
export const text = (value: unknown): string | null =>
  typeof value === "string" && value !== "" ? value : null;
