import type { GuestUsers } from "../../core/guest-users.ts";
import type { User } from "../../core/model/types.ts";
import { CLIENT_GONE, failureAnswer } from "../../http/adapter-core.ts";
import { csrfField } from "../../http/csrf-field.ts";
import * as guards from "../../http/guards.ts";
import { createGuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler } from "../../http/handler.ts";
import { quota } from "../../http/quota-guard.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import { compileTrust } from "../../http/trust-proxy.ts";
import { accountViews } from "../../http/views/index.ts";
import { parseOptions } from "../../shared/option-schema.ts";
import { routeTable, withoutTrailingSlash } from "../shared.ts";
import { CURRENT_USER_KEY, type NuxtCurrentUser } from "./current-user.ts";
import { eventView, flushCookies, methodOf, socketAddress, webRequestOf } from "./request.ts";
import {
  type GuestUserNuxt,
  type GuestUserNuxtOptions,
  type H3EventLike,
  NUXT_OPTIONS,
} from "./types.ts";

export type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
export type {
  GuardedEventHandler,
  GuestUserContext,
  GuestUserNuxt,
  GuestUserNuxtOptions,
  H3EventLike,
  H3Handler,
  H3NodeRequest,
  H3NodeResponse,
  NuxtAdapterTypes,
  NuxtCurrentUser,
} from "./types.ts";

const pathname = (path: string) => withoutTrailingSlash(path.split("?")[0] ?? "/");

/**
 * Creates the Nuxt adapter (Nitro 2 and h3 1.x: Nuxt 3 and 4). It never imports h3 or nuxt:
 * Nuxt's own events are passed in.
 *
 * @example
 * ```ts
 * // server/utils/guest-user.ts
 * import { createGuestUsers } from "guest-user";
 * import { guestUserNuxt } from "guest-user/nuxt";
 *
 * export const guestUsers = createGuestUsers({ database: "sqlite:app.sqlite3" });
 * export const guestUser = guestUserNuxt(guestUsers);
 * ```
 */
export function guestUserNuxt(
  guestUsers: GuestUsers,
  options: GuestUserNuxtOptions = {},
): GuestUserNuxt {
  const parsed = parseOptions(NUXT_OPTIONS, options, "guestUserNuxt()");
  const http = parsed.http ?? createGuestUserHttp(guestUsers);
  const trust = compileTrust(parsed.trustProxy);
  const addressOf = parsed.clientAddress ?? socketAddress;
  const viewOf = (event: H3EventLike) => eventView(event, addressOf, trust);
  const routes = parsed.routes === false ? [] : (parsed.routes ?? accountViews(http));
  const table = routeTable(routes, (handler) => handler, withoutTrailingSlash);
  const sessionPath =
    parsed.sessionPath === false ? null : withoutTrailingSlash(parsed.sessionPath);

  const snapshot = (view: HttpRequest, state: RequestState): NuxtCurrentUser => {
    const canBecomeGuest =
      !state.user && guestUsers.settings.enabled && guestUsers.canCreateGuest(view);
    return { user: state.user, isGuest: state.isGuest, expiresAt: state.expiresAt, canBecomeGuest };
  };
  const publish = (event: H3EventLike, state: RequestState) => {
    const view = viewOf(event);
    Object.assign(event.context, {
      guestUser: state,
      user: state.user,
      isGuest: state.isGuest,
      [CURRENT_USER_KEY]: () => snapshot(view, state),
    });
    flushCookies(event, state);
  };
  /** The state of this request: the middleware's, else resolved now; published. */
  const stateOf = async (event: H3EventLike): Promise<RequestState> => {
    const state =
      (event.context.guestUser as RequestState | undefined) ?? (await http.resolve(viewOf(event)));
    publish(event, state);
    return state;
  };
  /** Runs `body` on the state, publishes it after; a failure is answered (503...) or rethrown. */
  const answering = async <T>(
    event: H3EventLike,
    body: (view: HttpRequest, state: RequestState) => Promise<T>,
  ): Promise<T | Response> => {
    try {
      const state = await stateOf(event);
      const result = await body(viewOf(event), state);
      publish(event, state);
      return result;
    } catch (error) {
      const gone = event.web?.request?.signal.aborted === true;
      const answer = failureAnswer(http, viewOf(event), error, gone);
      if (answer === CLIENT_GONE) return new Response(null, { status: 400 });
      if (answer === null) throw error;
      return answer;
    }
  };
  /** A helper on the state (its failures thrown: the app's handler decides). */
  const helper =
    <T>(make: (view: HttpRequest, state: RequestState) => T | Promise<T>) =>
    async (event: H3EventLike): Promise<T> => {
      const state = await stateOf(event);
      const result = await make(viewOf(event), state);
      publish(event, state);
      return result;
    };
  const serve = (handler: WebHandler, event: H3EventLike) =>
    answering(event, (view, state) => handler(webRequestOf(event, view), { http, state }));
  const guard =
    (check: guards.Guard) =>
    <T>(handler: (event: H3EventLike) => T | Promise<T>) =>
    (event: H3EventLike) =>
      answering(event, async (view, state): Promise<T | Response> => {
        const location = await check(http, view, state);
        if (location === null) return handler(event);
        if (typeof location !== "string") return location;
        return new Response(null, { status: 302, headers: { location } });
      });
  const ensureGuest = helper(async (view, state): Promise<User | null> => {
    if (!state.user) await http.maybeCreateGuestUser(view, state);
    return state.user;
  });

  return {
    http,
    middleware: (event) =>
      answering(event, async (view, state) => {
        const path = pathname(event.path);
        const method = methodOf(event) === "HEAD" ? "GET" : methodOf(event);
        if (path === sessionPath && method === "GET") return Response.json(snapshot(view, state));
        const methods = table.get(path);
        if (!methods) return undefined; // on to the app's routes and pages
        const handler = methods.get(method);
        if (handler) return handler(webRequestOf(event, view), { http, state });
        const allow = [...methods.keys()].join(", ");
        return new Response("Method Not Allowed", { status: 405, headers: { allow } });
      }),
    currentUser: helper(snapshot),
    ensureGuest,
    logOut: helper((view, state) => http.logOut(view, state)),
    allowGuestUser: guard(guards.allowGuestUser()),
    guestUserRequired: (handler, options) => guard(guards.guestUserRequired(options))(handler),
    regularUserRequired: (handler, options) => guard(guards.regularUserRequired(options))(handler),
    termsRequired: (handler, options) => guard(guards.termsRequired(options))(handler),
    quota: (handler, name, options) => guard(quota(name, options))(handler),
    csrfToken: helper(http.csrfToken),
    csrfField: helper((view, state) => csrfField(http, view, state)),
    verifyCsrf: async (event, submitted) =>
      http.verifyCsrf(viewOf(event), await stateOf(event), submitted),
    mount: (handler) => (event) => serve(handler, event) as Promise<Response>,
  };
}
