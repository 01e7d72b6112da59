import type { GuestUsers } from "../../core/guest-users.ts";
import type { User } from "../../core/model/types.ts";
import { failureAnswer } from "../../http/adapter-core.ts";
import * as guards from "../../http/guards.ts";
import { createGuestUserHttp } from "../../http/guest-user-http.ts";
import { quota } from "../../http/quota-guard.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import { parseOptions } from "../../shared/option-schema.ts";
import { nextProxy } from "./next-proxy.ts";
import { headersRequest, lastForwardedFor, parseSetCookie } from "./request.ts";
import { guardedRouteHandler, routeHandlers } from "./route-handlers.ts";
import {
  type GuardedRouteHandler,
  type GuestUserNext,
  type GuestUserNextOptions,
  NEXT_OPTIONS,
  type NextHeaderList,
} from "./types.ts";

export type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
export type {
  GuardedRouteHandler,
  GuestUserNext,
  GuestUserNextOptions,
  GuestUserProxyOptions,
  NextAdapterTypes,
  NextCookieOptions,
  NextCookieStore,
  NextCurrentUser,
  NextHandlerContext,
  NextHeaderList,
  NextHeadersApi,
  NextResponseApi,
  NextRouteHandler,
  NextRouteHandlers,
} from "./types.ts";

/** One request's resolved visitor, shared by `currentUser()` and the server actions. */
interface Resolved {
  readonly view: HttpRequest;
  readonly state: RequestState;
}

/**
 * `import * as nextHeaders from "next/headers"` passed as the options: the module's `cookies`
 * and `headers` (its other exports, such as `draftMode`, are not options).
 */
function fromNamespace(options: GuestUserNextOptions): GuestUserNextOptions {
  if (Object.prototype.toString.call(options) !== "[object Module]") return options;
  return { cookies: options.cookies, headers: options.headers };
}

/**
 * Creates the Next.js (App Router) adapter. Pass `cookies` and `headers` from `next/headers`:
 * the library never imports `next` (an optional peer), so it resolves to your app's copy.
 *
 * @example
 * ```ts
 * // lib/guest-user.ts
 * import { createGuestUsers } from "guest-user";
 * import { guestUserNext } from "guest-user/next";
 * import { cookies, headers } from "next/headers";
 *
 * export const guestUsers = createGuestUsers({ database: "sqlite:app.sqlite3", secret: process.env.GUEST_USER_SECRET });
 * export const guestUser = guestUserNext(guestUsers, { cookies, headers });
 * ```
 */
export function guestUserNext(
  guestUsers: GuestUsers,
  options: GuestUserNextOptions,
): GuestUserNext {
  const parsed = parseOptions(NEXT_OPTIONS, fromNamespace(options), "guestUserNext()");
  const http = parsed.http ?? createGuestUserHttp(guestUsers);
  const addressOf = parsed.clientAddress ?? lastForwardedFor;
  // `headers()` hands out one object per request: the visitor is resolved once per request,
  // and a server action's new guest is what the page re-rendered after it sees.
  const perRequest = new WeakMap<NextHeaderList, Promise<Resolved>>();

  const resolving = (headers: NextHeaderList, method: string): Promise<Resolved> => {
    const known = perRequest.get(headers);
    if (known) return known;
    const view = headersRequest(method, headers, addressOf(headers));
    const resolved = http.resolve(view).then(
      (state) => ({ view, state }),
      (error: unknown) => {
        perRequest.delete(headers);
        failureAnswer(http, view, error, false); // one log line per database outage
        throw error;
      },
    );
    perRequest.set(headers, resolved);
    return resolved;
  };

  /** Runs `body` in a server action (cookies writable), then writes the pending cookies. */
  const inAction = async <T>(body: (resolved: Resolved) => Promise<T>): Promise<T> => {
    const [headers, store] = await Promise.all([parsed.headers(), parsed.cookies()]);
    const resolved = await resolving(headers, "POST");
    // A server action is a POST (the view of a page's render says GET): the gate and the
    // "onWrite" mode's same-origin check must see the write.
    const view =
      resolved.view.method === "POST" ? resolved.view : { ...resolved.view, method: "POST" };
    try {
      return await body({ view, state: resolved.state });
    } finally {
      for (const cookie of resolved.state.setCookies.splice(0).map(parseSetCookie))
        store.set(cookie.name, cookie.value, cookie.options);
    }
  };

  const guard = (check: guards.Guard, handler: GuardedRouteHandler) =>
    guardedRouteHandler(http, check, handler, addressOf);
  const ensureGuest = () =>
    inAction(async ({ view, state }): Promise<User | null> => {
      if (!state.user) await http.maybeCreateGuestUser(view, state);
      return state.user;
    });

  return {
    http,
    async currentUser() {
      const headers = await parsed.headers();
      const { view, state } = await resolving(headers, "GET");
      const canBecomeGuest =
        !state.user && guestUsers.settings.enabled && guestUsers.canCreateGuest(view);
      const { user, isGuest, expiresAt } = state;
      return { user, isGuest, expiresAt, canBecomeGuest };
    },
    ensureGuest,
    withGuest:
      (action) =>
      async (...args) =>
        action(await ensureGuest(), ...args),
    logOut: () =>
      inAction(async ({ view, state }) => {
        await http.logOut(view, state);
      }),
    allowGuestUser: (handler) => guard(guards.allowGuestUser(), handler),
    guestUserRequired: (handler, options) => guard(guards.guestUserRequired(options), handler),
    regularUserRequired: (handler, options) => guard(guards.regularUserRequired(options), handler),
    termsRequired: (handler, options) => guard(guards.termsRequired(options), handler),
    quota: (handler, name, options) => guard(quota(name, options), handler),
    routeHandlers: (routes) => routeHandlers(http, routes, addressOf),
    proxy: (responses, proxyOptions = {}) => nextProxy(http, responses, addressOf, proxyOptions),
  };
}
