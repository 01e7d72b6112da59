import type { User } from "../core/model/types.ts";
import { csrfField } from "../http/csrf-field.ts";
import * as guards from "../http/guards.ts";
import type { GuestUserHttp } from "../http/guest-user-http.ts";
import type { HttpRequest, RequestState } from "../http/request.ts";

/** Runs a helper of the web layer on the framework's request (`on`: `[c]`, `[request, reply]`). */
type Helper<On extends unknown[]> = <T>(
  make: (request: HttpRequest, state: RequestState) => T | Promise<T>,
) => (...on: On) => Promise<T>;

/**
 * The members of `GuestUserAdapter` that every middleware adapter builds the same way: the
 * guards from its `guard` (a guard as the framework's middleware or hook), the helpers from
 * its `helper` (a helper of the web layer on the framework's request).
 *
 * @example
 * ```ts
 * return { ...sharedMembers(http, guard, withContext), mount, routes };
 * ```
 */
export function sharedMembers<G, On extends unknown[]>(
  http: GuestUserHttp,
  guard: (check: guards.Guard) => G,
  helper: Helper<On>,
) {
  return {
    http,
    allowGuestUser: () => guard(guards.allowGuestUser()),
    guestUserRequired: (options?: guards.GuestUserRequiredOptions) =>
      guard(guards.guestUserRequired(options)),
    regularUserRequired: (options?: guards.RegularUserRequiredOptions) =>
      guard(guards.regularUserRequired(options)),
    termsRequired: (options?: guards.TermsRequiredOptions) => guard(guards.termsRequired(options)),
    maybeCreateGuestUser: helper<User | null>(http.maybeCreateGuestUser),
    ensureGuest: helper<User | null>(http.ensureGuest),
    csrfToken: helper(http.csrfToken),
    csrfField: helper((request, state) => csrfField(http, request, state)),
  };
}
