import { parseOptions } from "../../shared/option-schema.ts";
import {
  codeOf,
  OAuthError,
  type OAuthProvider,
  optionalPeer,
  PRESET_OPTIONS,
  type PresetOptions,
  text,
} from "./provider.ts";

/** Options of {@link githubProvider} (an OAuth App or GitHub App's client id and secret). */
export type GithubProviderOptions = PresetOptions;

const AUTHORIZE = "https://github.com/login/oauth/authorize";
const TOKEN = "https://github.com/login/oauth/access_token";
const API = "https://api.github.com";

const load = () => optionalPeer("arctic", () => import("arctic"));

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
    const arctic = await load();
    return {
      arctic,
      client: new arctic.OAuth2Client(given.clientId, given.clientSecret, redirectUri),
    };
  };
  return {
    name: given.name ?? "github",
    label: given.label ?? "GitHub",
    ...(given.redirectUri ? { redirectUri: given.redirectUri } : {}),

    async authorizationUrl({ redirectUri, state, codeVerifier }) {
      const { arctic, client } = await clientFor(redirectUri);
      const { S256 } = arctic.CodeChallengeMethod;
      return client.createAuthorizationURLWithPKCE(AUTHORIZE, state, S256, codeVerifier, scopes);
    },

    async identify({ url, redirectUri, codeVerifier }) {
      const { client } = await clientFor(redirectUri);
      const tokens = await client.validateAuthorizationCode(TOKEN, codeOf(url), codeVerifier);
      const token = tokens.accessToken();
      const user = (await api("/user", token)) as Record<string, unknown>;
      const id = user.id;
      if (typeof id !== "number" && typeof id !== "string")
        throw new OAuthError("GitHub sent no user id.");
      let email = text(user.email);
      let emailVerified = false;
      const emails = (await api("/user/emails", token).catch(() => [])) as unknown;
      if (Array.isArray(emails)) {
        const primary = emails.find((e) => e?.primary === true && e?.verified === true);
        if (primary && text(primary.email)) {
          email = primary.email;
          emailVerified = true;
        }
      }
      return {
        subject: String(id),
        email,
        emailVerified,
        preferredUsername: text(user.login),
        name: text(user.name),
      };
    },
  };
}
