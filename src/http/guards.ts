import * as v from "valibot";
import { type EntriesOf, optionBag, parseOptions } from "../shared/option-schema.ts";
import { nonEmpty } from "../shared/option-values.ts";
import type { GuestUserHttp } from "./guest-user-http.ts";
import type { HttpRequest, RequestState } from "./request.ts";
import { nextValue, withNext } from "./safe-next.ts";

/** Options of {@link guestUserRequired}: the reference's decorator arguments. */
export interface GuestUserRequiredOptions {
  /** Where anonymous visitors go (no `next`). @default settings.requiredAnonUrl */
  readonly anonymousUrl?: string;
  /** Where registered users go (no `next`). @default settings.requiredUserUrl */
  readonly registeredUrl?: string;
}

/** Where a guard sends a visitor: any URL or path (checked to be text, not parsed). */
const destination = nonEmpty('a URL or path, such as "/accounts/login/"');
const redirectFieldName = v.optional(nonEmpty('a query parameter name, such as "next"'), "next");

const GUESTS_ONLY = optionBag({
  anonymousUrl: v.optional(destination),
  registeredUrl: v.optional(destination),
} satisfies EntriesOf<GuestUserRequiredOptions>);

/** Options of {@link regularUserRequired}: the reference's decorator arguments. */
export interface RegularUserRequiredOptions {
  /** Where anonymous visitors go, with `?next=`. @default settings.loginUrl */
  readonly loginUrl?: string;
  /** Where guests go, with `?next=`. @default settings.convertUrl */
  readonly convertUrl?: string;
  /** The query parameter carrying the way back. @default "next" */
  readonly redirectFieldName?: string;
}

const USERS_ONLY = optionBag({
  loginUrl: v.optional(destination),
  convertUrl: v.optional(destination),
  redirectFieldName,
} satisfies EntriesOf<RegularUserRequiredOptions>);

/** `to` with `?<field>=<this page>`, so the visitor comes back here afterwards. */
const backTo = (request: HttpRequest, to: string, field: string) =>
  withNext(to, field, nextValue(new URL(request.url), to));

/**
 * A guard's verdict: `null` lets the handler run; a string is the Location of a 302; a
 * Response is the answer itself (the `quota()` guard's 429). Guards may change `state`
 * (allowGuestUser logs a new guest in).
 */
export type Guard = (
  http: GuestUserHttp,
  request: HttpRequest,
  state: RequestState,
) => Promise<string | Response | null>;

/**
 * Anonymous visitors get a guest created and logged in, then the handler runs; unless guests
 * are disabled or the User-Agent is a blocked crawler: then it runs for the anonymous visitor.
 * Guests and registered users pass untouched.
 *
 * @example
 * ```ts
 * app.get("/editor/", guestUser.allowGuestUser(), (req, res) => res.send(`Hi ${req.user.username}`));
 * ```
 */
export function allowGuestUser(): Guard {
  return async (http, request, state) => {
    await http.maybeCreateGuestUser(request, state);
    return null;
  };
}

/**
 * Only guests: anonymous visitors go to `anonymousUrl`, registered users to `registeredUrl`,
 * both without `next` (a registered user can never become a guest again).
 *
 * @example
 * ```ts
 * app.get("/welcome/", guestUser.guestUserRequired({ registeredUrl: "/dashboard/" }), handler);
 * ```
 */
export function guestUserRequired(options: GuestUserRequiredOptions = {}): Guard {
  const { anonymousUrl, registeredUrl } = parseOptions(GUESTS_ONLY, options, "guestUserRequired()");
  return async (http, _request, state) => {
    const { settings } = http.guestUsers;
    if (!state.user) return anonymousUrl ?? settings.requiredAnonUrl;
    if (!state.isGuest) return registeredUrl ?? settings.requiredUserUrl;
    return null;
  };
}

/**
 * Only registered users: anonymous visitors go to `loginUrl`, guests to `convertUrl`, each
 * with `?next=<this page>` so they come back here afterwards.
 *
 * @example
 * ```ts
 * app.get("/billing/", guestUser.regularUserRequired(), handler);
 * // anonymous: 302 /accounts/login/?next=/billing/   guest: 302 /convert/?next=/billing/
 * ```
 */
export function regularUserRequired(options: RegularUserRequiredOptions = {}): Guard {
  const given = parseOptions(USERS_ONLY, options, "regularUserRequired()");
  return async (http, request, state) => {
    const { settings } = http.guestUsers;
    if (state.user && !state.isGuest) return null;
    const to = state.user
      ? (given.convertUrl ?? settings.convertUrl)
      : (given.loginUrl ?? settings.loginUrl);
    return backTo(request, to, given.redirectFieldName);
  };
}

/** Options of {@link loginRequired}. */
export interface LoginRequiredOptions
  extends Pick<RegularUserRequiredOptions, "loginUrl" | "redirectFieldName"> {}

const SIGNED_IN = optionBag({
  loginUrl: v.optional(destination),
  redirectFieldName,
} satisfies EntriesOf<LoginRequiredOptions>);

/**
 * Any signed-in user, guest or registered (Django's `login_required`): anonymous visitors go
 * to `loginUrl` with `?next=<this page>`.
 *
 * @example
 * ```ts
 * const profile = guarded([loginRequired()], showProfile);
 * ```
 */
export function loginRequired(options: LoginRequiredOptions = {}): Guard {
  const { loginUrl, redirectFieldName } = parseOptions(SIGNED_IN, options, "loginRequired()");
  return async (http, request, state) => {
    if (state.user) return null;
    const to = loginUrl ?? http.guestUsers.settings.loginUrl;
    return backTo(request, to, redirectFieldName);
  };
}

/** Options of {@link termsRequired}. */
export interface TermsRequiredOptions
  extends Pick<RegularUserRequiredOptions, "redirectFieldName"> {
  /**
   * The accept page, given `?next=<this page>`: keep it in step with `accountViews`'
   * `termsPath`.
   * @default "/accounts/terms/"
   * @example acceptUrl: "/legal/accept/"
   */
  readonly acceptUrl?: string;
}

const TERMS = optionBag({
  acceptUrl: v.optional(destination, "/accounts/terms/"),
  redirectFieldName,
} satisfies EntriesOf<TermsRequiredOptions>);

/**
 * Terms of service (the reference's django-tos middleware): a registered user who has not
 * accepted the CURRENT `terms.version` goes to the accept page with `?next=<this page>`, and
 * comes back after accepting. Guests pass, as in the reference; anonymous visitors pass too
 * (combine with `regularUserRequired()` or `loginRequired()` to ask them to log in first);
 * without the `terms` option everyone passes. Costs one query, for registered users only.
 * The accept page itself always passes, so the guard may run for a whole app mounted after
 * the account views.
 *
 * @default options { acceptUrl: "/accounts/terms/", redirectFieldName: "next" }
 * @example
 * ```ts
 * const page = guarded([regularUserRequired(), termsRequired()], dashboard);
 * // registered, not accepted: 302 /accounts/terms/?next=/dashboard/
 * ```
 */
export function termsRequired(options: TermsRequiredOptions = {}): Guard {
  const { acceptUrl, redirectFieldName } = parseOptions(TERMS, options, "termsRequired()");
  const acceptPath = new URL(acceptUrl, "http://localhost").pathname;
  return async (http, request, state) => {
    const { guestUsers } = http;
    if (!guestUsers.settings.terms || !state.user || state.isGuest) return null;
    if (new URL(request.url).pathname === acceptPath) return null;
    if (await guestUsers.hasAcceptedTerms(state.user)) return null;
    return backTo(request, acceptUrl, redirectFieldName);
  };
}
