/**
 * Options of the Nuxt module `guest-user/nuxt/module` (`modules: [["guest-user/nuxt/module",
 * { ... }]]`): where `useGuestUser()` asks.
 *
 * @example
 * ```ts
 * export default defineNuxtConfig({ modules: [["guest-user/nuxt/module", { sessionPath: "/api/me" }]] });
 * ```
 */
export interface GuestUserModuleOptions {
  /**
   * The middleware's session JSON (its `sessionPath` option): `refresh()` reads it.
   * @default "/api/_guest-user/session"
   */
  readonly sessionPath?: string;
  /**
   * The built-in logout view: `logOut()` posts to it.
   * @default "/accounts/logout/"
   */
  readonly logoutPath?: string;
}

/** The module's defaults. */
export const MODULE_DEFAULTS: Required<GuestUserModuleOptions> = {
  sessionPath: "/api/_guest-user/session",
  logoutPath: "/accounts/logout/",
};
