import type { Configuration } from "openid-client";
import * as v from "valibot";
import { accepted, type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { describeKind, nonEmpty, trueOrFalse } from "../../shared/option-values.ts";
import { isLocalHost } from "../cookies.ts";
import {
  type OAuthProvider,
  optionalPeer,
  PRESET_OPTIONS,
  type PresetOptions,
  type ProviderIdentity,
  text,
} from "./provider.ts";

/**
 * Options of {@link oidcProvider}: the presets' (their defaults there; the client secret is
 * sent with HTTP Basic, the issuer's default method), and the issuer.
 */
export interface OidcProviderOptions extends PresetOptions {
  /**
   * The issuer URL; its `/.well-known/openid-configuration` is read once (discovery), on the
   * first sign-in.
   * @example "https://accounts.example.com/realms/main"
   */
  readonly issuer: string;
  /**
   * Allows an `http:` issuer. Off for the internet; on by default for an issuer on localhost
   * (development, tests).
   * @default true for http://localhost (and 127.0.0.1, [::1]) issuers, else false
   */
  readonly allowInsecureRequests?: boolean;
}

const OIDC_PROVIDER = optionBag({
  ...PRESET_OPTIONS.entries,
  issuer: v.pipe(
    accepted<string>(
      (value) => typeof value === "string" && URL.canParse(value),
      'the issuer\'s URL, such as "https://accounts.google.com"',
    ),
    v.transform((issuer) => new URL(issuer)),
  ),
  clientId: nonEmpty("the client id the issuer gave you"),
  clientSecret: accepted<string>(
    (value) => typeof value === "string",
    "the client secret the issuer gave you",
    describeKind,
  ),
  allowInsecureRequests: v.optional(trueOrFalse),
} satisfies EntriesOf<OidcProviderOptions>);

/**
 * A sign-in provider for any OpenID Connect issuer, through openid-client (install it: `npm i
 * openid-client`): discovery, Authorization Code with PKCE (S256), `state` and `nonce`, the
 * ID token checked (issuer, audience, expiry, nonce). The identity comes from the ID token's
 * claims (`sub`, `email`, `email_verified`, `preferred_username`, `name`), completed from the
 * UserInfo endpoint when the ID token has neither e-mail nor preferred username.
 *
 * @example
 * ```ts
 * const provider = oidcProvider({
 *   issuer: process.env.GUEST_USER_OIDC_ISSUER!,
 *   clientId: process.env.GUEST_USER_OIDC_CLIENT_ID!,
 *   clientSecret: process.env.GUEST_USER_OIDC_CLIENT_SECRET!,
 * });
 * ```
 */
export function oidcProvider(options: OidcProviderOptions): OAuthProvider {
  const given = parseOptions(OIDC_PROVIDER, options, "oidcProvider()");
  const { issuer } = given;
  const insecure =
    given.allowInsecureRequests ?? (issuer.protocol === "http:" && isLocalHost(issuer.hostname));
  const scope = [...new Set(["openid", ...(given.scopes ?? ["email", "profile"])])].join(" ");
  let discovered: Promise<Configuration> | null = null;
  /** openid-client, and the issuer's configuration (discovered once). */
  const connect = async () => {
    const client = await optionalPeer<typeof import("openid-client")>("openid-client");
    discovered ??= client
      .discovery(issuer, given.clientId, given.clientSecret, undefined, {
        execute: insecure ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = null; // try again on the next sign-in
        throw error;
      });
    return { client, config: await discovered };
  };

  return {
    name: given.name ?? "oidc",
    label: given.label ?? "OpenID Connect",
    ...(given.redirectUri ? { redirectUri: given.redirectUri } : {}),

    async authorizationUrl({ redirectUri, state, codeVerifier, nonce }) {
      const { client, config } = await connect();
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        response_type: "code",
        scope,
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: "S256",
      });
    },

    async identify({ url, redirectUri, state, codeVerifier, nonce }) {
      const { client, config } = await connect();
      // The redirect_uri sent with the code must be the registered one, even behind a proxy.
      const current = new URL(redirectUri);
      current.search = url.search;
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      let claims: Record<string, unknown> = { ...tokens.claims() };
      const sub = text(claims.sub);
      const { userinfo_endpoint: userinfo } = config.serverMetadata();
      if (sub && userinfo && !text(claims.email) && !text(claims.preferred_username)) {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, sub)), ...claims };
      }
      return identityOf(claims);
    },
  };
}

/** The identity in OpenID Connect claims. */
export function identityOf(claims: Record<string, unknown>): ProviderIdentity {
  return {
    subject: text(claims.sub) ?? "",
    email: text(claims.email),
    emailVerified: claims.email_verified === true,
    preferredUsername: text(claims.preferred_username) ?? text(claims.nickname),
    name: text(claims.name),
  };
}
