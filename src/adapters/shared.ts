import type { IncomingHttpHeaders } from "node:http";
import * as v from "valibot";
import type { User } from "../core/model/types.ts";
import { csrfField } from "../http/csrf-field.ts";
import * as guards from "../http/guards.ts";
import type { GuestUserHttp } from "../http/guest-user-http.ts";
import type { WebHandler, WebRoute } from "../http/handler.ts";
import { type QuotaGuardOptions, quota } from "../http/quota-guard.ts";
import type { HttpRequest, RequestState } from "../http/request.ts";
import { withMethods } from "../shared/option-values.ts";

/** The `http` option of every adapter: a web layer to share, made by `createGuestUserHttp()`. */
export const WEB_LAYER_OPTION = v.optional(
  withMethods<GuestUserHttp>(
    ["resolve", "maybeCreateGuestUser"],
    "a web layer (createGuestUserHttp())",
  ),
);

/** Runs a helper of the web layer on the framework's request (`on`: `[c]`, `[request, reply]`). */
type Helper<On extends unknown[]> = <T>(
  make: (request: HttpRequest, state: RequestState) => T | Promise<T>,
) => (...on: On) => Promise<T>;

/**
 * The members of `GuestUserAdapter` that every middleware adapter builds the same way: the
 * guards from its `guard` (a guard as the framework's middleware or hook), the helpers from
 * its `helper` (a helper of the web layer on the framework's request).
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
    quota: (name: string, options?: QuotaGuardOptions) => guard(quota(name, options)),
    maybeCreateGuestUser: helper<User | null>(http.maybeCreateGuestUser),
    ensureGuest: helper<User | null>(http.ensureGuest),
    csrfToken: helper(http.csrfToken),
    csrfField: helper((request, state) => csrfField(http, request, state)),
  };
}

/**
 * A path without its trailing slash (`/accounts/login/` and `/accounts/login` are one route):
 * Next.js and SvelteKit drop the slash by default, Nuxt's links often do.
 */
export function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/**
 * The routes by path, then method, with the handler `make` makes of each view (made once per
 * route); `pathOf` normalises the paths (Next's drop a trailing slash).
 */
export function routeTable<H>(
  routes: readonly WebRoute[],
  make: (handler: WebHandler) => H,
  pathOf = (path: string) => path,
): Map<string, Map<string, H>> {
  const table = new Map<string, Map<string, H>>();
  for (const route of routes) {
    const path = pathOf(route.path);
    const methods = table.get(path) ?? new Map<string, H>();
    const handler = make(route.handler);
    for (const method of route.methods) methods.set(method, handler);
    table.set(path, methods);
  }
  return table;
}

const VIEW = Symbol("guest-user.requestView");

/**
 * The request's {@link HttpRequest} view, made once and kept on it: the session middleware and
 * the guards read the same one (a WeakMap per request costs the garbage collector more).
 */
export function viewOn<R extends object>(req: R, make: (req: R) => HttpRequest): HttpRequest {
  const holder = req as R & { [VIEW]?: HttpRequest };
  holder[VIEW] ??= make(req);
  return holder[VIEW];
}

/** Node's request headers as the web layer reads them (no copy): repeated ones joined by ", ". */
export function headerLookup(headers: IncomingHttpHeaders): HttpRequest["headers"] {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : String(value);
    },
  };
}

/** Node's request headers as Web `Headers`, without HTTP/2 pseudo-headers and `skipped`. */
export function webHeaders(headers: IncomingHttpHeaders, skipped = new Set<string>()): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(":") || skipped.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) result.append(name, String(item));
  }
  return result;
}
