import { type KeysOf, leafKeys } from "../shared/option-keys.ts";
import type { AdminViewsOptions } from "./admin/admin-kit.ts";
import { defaultAdminTemplates } from "./admin/templates.ts";
import type { FetchHandlerOptions } from "./fetch-handler.ts";
import type {
  GuestUserRequiredOptions,
  LoginRequiredOptions,
  RegularUserRequiredOptions,
  TermsRequiredOptions,
} from "./guards.ts";
import type { OAuthViewsOptions } from "./oauth/oauth-views.ts";
import type { OidcProviderOptions } from "./oauth/oidc-provider.ts";
import type { PresetOptions } from "./oauth/provider.ts";
import { defaultTemplates } from "./views/templates.ts";
import type { AccountViewsOptions } from "./views/view-kit.ts";

/**
 * The option keys of the web layer's entry points (guards, views, the admin, social login,
 * `fetchHandler`), for the unknown-option check: each spec `satisfies KeysOf<...>` its
 * option type, so an option added without its key here does not compile. `templates` lists
 * the built-in templates' names (a misspelled template is refused too).
 */

/** The keys of {@link GuestUserRequiredOptions}. */
export const GUEST_USER_REQUIRED_OPTION_KEYS = {
  anonymousUrl: true,
  registeredUrl: true,
} as const satisfies KeysOf<GuestUserRequiredOptions>;

/** The keys of {@link RegularUserRequiredOptions}. */
export const REGULAR_USER_REQUIRED_OPTION_KEYS = {
  loginUrl: true,
  convertUrl: true,
  redirectFieldName: true,
} as const satisfies KeysOf<RegularUserRequiredOptions>;

/** The keys of {@link LoginRequiredOptions}. */
export const LOGIN_REQUIRED_OPTION_KEYS = {
  loginUrl: true,
  redirectFieldName: true,
} as const satisfies KeysOf<LoginRequiredOptions>;

/** The keys of {@link TermsRequiredOptions}. */
export const TERMS_REQUIRED_OPTION_KEYS = {
  acceptUrl: true,
  redirectFieldName: true,
} as const satisfies KeysOf<TermsRequiredOptions>;

/** The keys of {@link FetchHandlerOptions}. */
export const FETCH_HANDLER_OPTION_KEYS = {
  clientAddress: true,
  trustProxy: true,
} as const satisfies KeysOf<FetchHandlerOptions>;

/** The keys of {@link AccountViewsOptions}, the template names included. */
export const ACCOUNT_VIEWS_OPTION_KEYS = {
  logoutPath: true,
  signupPath: true,
  termsPath: true,
  guestPath: true,
  profilePath: true,
  deletePath: true,
  recentSignInSeconds: true,
  templates: leafKeys(Object.keys(defaultTemplates)),
  maxBodyBytes: true,
} as const satisfies KeysOf<AccountViewsOptions>;

/** The keys of {@link AdminViewsOptions}, the admin template names included. */
export const ADMIN_VIEWS_OPTION_KEYS = {
  canAccess: true,
  prefix: true,
  pageSize: true,
  logoutPath: true,
  templates: leafKeys(Object.keys(defaultAdminTemplates)),
} as const satisfies KeysOf<AdminViewsOptions>;

/** The keys of {@link OAuthViewsOptions} (`providers` are provider objects, not looked into). */
export const OAUTH_VIEWS_OPTION_KEYS = {
  providers: true,
  prefix: true,
  origin: true,
  templates: leafKeys(Object.keys(defaultTemplates)),
} as const satisfies KeysOf<OAuthViewsOptions>;

/** The keys of {@link PresetOptions} (`githubProvider()`, `googleProvider()`). */
export const PRESET_PROVIDER_OPTION_KEYS = {
  clientId: true,
  clientSecret: true,
  name: true,
  label: true,
  scopes: true,
  redirectUri: true,
} as const satisfies KeysOf<PresetOptions>;

/** The keys of {@link OidcProviderOptions}. */
export const OIDC_PROVIDER_OPTION_KEYS = {
  name: true,
  label: true,
  issuer: true,
  clientId: true,
  clientSecret: true,
  scopes: true,
  redirectUri: true,
  allowInsecureRequests: true,
} as const satisfies KeysOf<OidcProviderOptions>;
