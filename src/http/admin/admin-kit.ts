import * as v from "valibot";
import type { User } from "../../core/model/types.ts";
import { accepted, type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { aFunction, someOf, wholeNumber } from "../../shared/option-values.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import { ACCOUNT_VIEWS, createViewKit } from "../views/view-kit.ts";
import type { AdminPaths } from "./template-contexts.ts";
import { type AdminTemplates, defaultAdminTemplates } from "./templates.ts";

/** Options of {@link adminViews}. */
export interface AdminViewsOptions {
  /**
   * Who may use the admin: called with each signed-in REGISTERED user (guests never may);
   * true lets them in, false answers 403. Anonymous visitors go to the login page first.
   * The default admits staff (`user.isStaff`: `guest-user staff grant <username>`,
   * `guestUsers.setStaff()`). Prefer the flag, or another property no visitor can choose,
   * to usernames: a name can be claimed by whoever signs up (or signs in with a social
   * identity) first.
   * @default (user) => user.isStaff
   * @example canAccess: async (user) => user.isStaff && (await isOnVpn(user))
   */
  readonly canAccess?: (user: User) => boolean | Promise<boolean>;
  /**
   * Where the admin is mounted: the list at the prefix, the funnel at `<prefix>funnel/`,
   * the actions at `<prefix>delete/` and `<prefix>delete-expired/`. Starts and ends with `/`.
   * @default "/admin/guests/"
   * @example "/staff/guests/"
   */
  readonly prefix?: string;
  /**
   * Guests per page of the list (a request may ask for 1 to 500 with `limit=`).
   * @default 50
   */
  readonly pageSize?: number;
  /**
   * Where the layout's "Log out" button posts: the account views' `logoutPath`.
   * @default "/accounts/logout/"
   */
  readonly logoutPath?: string;
  /**
   * Templates replacing the built-in ones; the others stay.
   * @default {} (all built-in)
   * @example { layout: ({ title, body }) => myAdminShell(title, body) }
   */
  readonly templates?: Partial<AdminTemplates>;
}

const ADMIN_VIEWS = optionBag({
  canAccess: v.optional(
    aFunction<(user: User) => boolean | Promise<boolean>>(
      "a function that says who may use the admin, e.g. canAccess: (user) => user.isStaff (the default)",
    ),
    () => (user: User) => user.isStaff,
  ),
  prefix: v.optional(
    accepted<string>(
      (value) => typeof value === "string" && /^\/(?:[^\s?#/\\]+\/)+$/.test(value),
      'a path that starts and ends with "/", such as "/admin/guests/"',
    ),
    "/admin/guests/",
  ),
  pageSize: v.optional(wholeNumber(1, 500), 50),
  logoutPath: ACCOUNT_VIEWS.entries.logoutPath,
  templates: v.optional(someOf(defaultAdminTemplates), {}),
} satisfies EntriesOf<AdminViewsOptions>);

/**
 * Everything the admin views share, checked once by `adminViews()` (a bad option throws
 * `INVALID_CONFIG`, naming it): `view` is the account views' kit, its layout and error page
 * replaced by the admin's.
 */
export function createAdminKit(http: GuestUserHttp, options: AdminViewsOptions = {}) {
  const { prefix, logoutPath, ...given } = parseOptions(ADMIN_VIEWS, options, "adminViews()");
  // Only functions replace built-in templates.
  const overrides = Object.entries(given.templates).filter(([, t]) => typeof t === "function");
  const templates: AdminTemplates = { ...defaultAdminTemplates, ...Object.fromEntries(overrides) };
  return {
    view: createViewKit(http, {
      templates: { layout: templates.layout, errorPage: templates.errorPage },
      logoutPath,
    }),
    templates,
    canAccess: given.canAccess,
    pageSize: given.pageSize,
    paths: {
      list: prefix,
      funnel: `${prefix}funnel/`,
      delete: `${prefix}delete/`,
      deleteExpired: `${prefix}delete-expired/`,
    } satisfies AdminPaths,
  };
}

export type AdminKit = ReturnType<typeof createAdminKit>;
