/**
 * Social-login conversion (the reference's django-allauth integration): start and callback
 * routes per provider for any adapter, an OpenID Connect provider (openid-client) and GitHub
 * and Google presets (arctic). Install the client you use: `npm i openid-client` or
 * `npm i arctic`. Example: {@link oauthViews}.
 * @module
 */

export type { OAuthViewsOptions } from "./oauth-options.ts";
export { oauthStartPath, oauthViews } from "./oauth-views.ts";
export { type OidcProviderOptions, oidcProvider } from "./oidc-provider.ts";
export {
  type GithubProviderOptions,
  type GoogleProviderOptions,
  githubProvider,
  googleProvider,
} from "./presets.ts";
export {
  type AuthorizationRequest,
  type CallbackInput,
  OAuthError,
  type OAuthProvider,
  type PresetOptions,
  type ProviderIdentity,
} from "./provider.ts";
