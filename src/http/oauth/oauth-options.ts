import * as v from "valibot";
import { accepted, type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { describeKind } from "../../shared/option-values.ts";
import type { Templates } from "../views/templates.ts";
import { ACCOUNT_VIEWS } from "../views/view-kit.ts";
import type { OAuthProvider } from "./provider.ts";

/** Options of {@link oauthViews}. */
export interface OAuthViewsOptions {
  /**
   * The sign-in providers: {@link oidcProvider}, {@link githubProvider}, {@link googleProvider}
   * or your own {@link OAuthProvider}; names must be unique.
   * @example [githubProvider({ clientId, clientSecret }), oidcProvider({ issuer, clientId: id2, clientSecret: secret2 })]
   */
  readonly providers: readonly OAuthProvider[];
  /**
   * Where the routes live: `<prefix><name>/start/` and `<prefix><name>/callback/`.
   * @default "/accounts/oauth/"
   */
  readonly prefix?: string;
  /**
   * The app's public origin, for redirect URIs (`<origin><prefix><name>/callback/`). Give it
   * behind a proxy that does not pass the original host and protocol on (or when the adapter
   * does not trust it): the redirect URI must be exactly the one registered with the provider.
   * @default the origin of each request
   * @example "https://app.example.com"
   */
  readonly origin?: string;
  /**
   * Templates replacing the built-in ones (the error page and the layout around it).
   * @default {} (all built-in)
   */
  readonly templates?: Partial<Templates>;
}

const NAME = /^[\w.-]{1,64}$/;

/** The first provider without a valid name, or with the name of one before it. */
function misnamed(providers: readonly OAuthProvider[]): OAuthProvider | undefined {
  const names = new Set<string>();
  return providers.find((provider) => {
    const name = provider?.name;
    if (typeof name !== "string" || !NAME.test(name) || names.has(name)) return true;
    names.add(name);
    return false;
  });
}

export const OAUTH_VIEWS_OPTIONS = optionBag({
  providers: v.pipe(
    accepted<readonly OAuthProvider[]>(
      (value) => Array.isArray(value) && value.length > 0,
      "at least one provider, such as oidcProvider({ issuer, clientId, clientSecret })",
      describeKind,
    ),
    v.check(
      (providers) => misnamed(providers) === undefined,
      (issue) =>
        `each provider needs a unique name of letters, digits, "_", "." or "-"; got ${JSON.stringify(misnamed(issue.input)?.name)}`,
    ),
  ),
  prefix: v.optional(
    accepted<string>(
      (value) => typeof value === "string" && /^\/(?:[^\s?#/\\]+\/)*$/.test(value),
      'a path such as "/accounts/oauth/"',
    ),
    "/accounts/oauth/",
  ),
  origin: v.optional(
    v.pipe(
      accepted<string>(
        (value) =>
          typeof value === "string" && URL.canParse(value) && new URL(value).origin !== "null",
        'an origin such as "https://app.example.com"',
      ),
      v.transform((origin) => new URL(origin).origin),
    ),
  ),
  templates: ACCOUNT_VIEWS.entries.templates,
} satisfies EntriesOf<OAuthViewsOptions>);
