import type { GuestUsers } from "../../core/guest-users.ts";
import type { User } from "../../core/model/types.ts";
import { csrfField } from "../../http/csrf-field.ts";
import * as guards from "../../http/guards.ts";
import { createGuestUserHttp } from "../../http/guest-user-http.ts";
import { quota } from "../../http/quota-guard.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import { accountViews } from "../../http/views/index.ts";
import { InvalidConfigError } from "../../shared/errors.ts";
import { parseOptions } from "../../shared/option-schema.ts";
import { routeTable, withoutTrailingSlash } from "../shared.ts";
import { eventAddress, publish, svelteKitHandle, views } from "./handle.ts";
import {
  type GuestUserLocals,
  type GuestUserSvelteKit,
  type GuestUserSvelteKitOptions,
  SVELTEKIT_OPTIONS,
  type SvelteKitEvent,
} from "./types.ts";

export type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
export type {
  GuestAction,
  GuestUserLocals,
  GuestUserSvelteKit,
  GuestUserSvelteKitOptions,
  SvelteKitAdapterTypes,
  SvelteKitCurrentUser,
  SvelteKitEvent,
  SvelteKitHandleEvent,
  SvelteKitHandleInput,
  SvelteKitRedirect,
} from "./types.ts";

/**
 * Creates the SvelteKit adapter. Pass `redirect` from `@sveltejs/kit` for the guards: the
 * library never imports `@sveltejs/kit` (an optional peer), so it throws your app's copy.
 *
 * @example
 * ```ts
 * // src/lib/server/guest-user.ts
 * import { redirect } from "@sveltejs/kit";
 * import { createGuestUsers } from "guest-user";
 * import { guestUserSvelteKit } from "guest-user/sveltekit";
 *
 * export const guestUsers = createGuestUsers({ database: "sqlite:app.sqlite3" });
 * export const guestUser = guestUserSvelteKit(guestUsers, { redirect });
 * ```
 */
export function guestUserSvelteKit(
  guestUsers: GuestUsers,
  options: GuestUserSvelteKitOptions = {},
): GuestUserSvelteKit {
  const parsed = parseOptions(SVELTEKIT_OPTIONS, options, "guestUserSvelteKit()");
  const http = parsed.http ?? createGuestUserHttp(guestUsers);
  const table = routeTable(
    parsed.routes ?? accountViews(http),
    (handler) => handler,
    withoutTrailingSlash,
  );

  /** This request's view and state, which the `handle` hook resolved. */
  const resolved = (event: SvelteKitEvent): { view: HttpRequest; state: RequestState } => {
    const view = views.get(event.locals);
    const state = (event.locals as Partial<GuestUserLocals>).guestUser;
    if (!view || !state) {
      throw new InvalidConfigError(
        "handle",
        "guest-user's handle hook did not run for this request: export it from src/hooks.server.ts (`export const handle = guestUser.handle;`, or first in `sequence()`)",
      );
    }
    return { view, state };
  };
  /** Runs `body` on the request's state, then publishes the state to `event.locals`. */
  const onState =
    <T, A extends unknown[]>(
      body: (view: HttpRequest, state: RequestState, ...args: A) => T | Promise<T>,
    ) =>
    async (event: SvelteKitEvent, ...args: A): Promise<T> => {
      const { view, state } = resolved(event);
      try {
        return await body(view, state, ...args);
      } finally {
        publish(event.locals, state);
      }
    };
  const ensureGuest = onState(async (view, state): Promise<User | null> => {
    if (!state.user) await http.maybeCreateGuestUser(view, state);
    return state.user;
  });
  /** A guard in a `load` or an action: throws SvelteKit's redirect to where it sends the visitor. */
  const guard = async (event: SvelteKitEvent, check: guards.Guard): Promise<void> => {
    const location = await onState((view, state) => check(http, view, state))(event);
    if (location === null) return;
    if (typeof location !== "string")
      throw new TypeError("a redirecting guard answered a Response");
    if (!parsed.redirect) {
      throw new InvalidConfigError(
        "redirect",
        'a guard must redirect, but guestUserSvelteKit() got no `redirect`: pass it from @sveltejs/kit (`import { redirect } from "@sveltejs/kit"; guestUserSvelteKit(guestUsers, { redirect })`)',
      );
    }
    parsed.redirect(302, location);
  };

  return {
    http,
    handle: svelteKitHandle(http, table, parsed.clientAddress ?? eventAddress),
    currentUser: onState(async (view, state) => {
      const canBecomeGuest =
        !state.user && guestUsers.settings.enabled && guestUsers.canCreateGuest(view);
      const { user, isGuest, expiresAt } = state;
      return { user, isGuest, expiresAt, canBecomeGuest };
    }),
    ensureGuest,
    withGuest: (action) => async (event) => action(event, await ensureGuest(event)),
    logOut: onState((view, state) => http.logOut(view, state)),
    csrfToken: onState((view, state) => http.csrfToken(view, state)),
    csrfField: onState((view, state) => csrfField(http, view, state)),
    verifyCsrf: onState((view, state, submitted: unknown) =>
      http.verifyCsrf(view, state, submitted),
    ),
    isGuestUser: (event) => (event.locals as Partial<GuestUserLocals>).isGuest === true,
    allowGuestUser: (event) => guard(event, guards.allowGuestUser()),
    guestUserRequired: (event, guardOptions) =>
      guard(event, guards.guestUserRequired(guardOptions)),
    regularUserRequired: (event, guardOptions) =>
      guard(event, guards.regularUserRequired(guardOptions)),
    termsRequired: (event, guardOptions) => guard(event, guards.termsRequired(guardOptions)),
    async quota(event, name, quotaOptions) {
      const check = quota(name, quotaOptions);
      const verdict = await onState((view, state) => check(http, view, state))(event);
      if (verdict === null || typeof verdict !== "string") return verdict;
      if (parsed.redirect) parsed.redirect(302, verdict);
      return new Response(null, { status: 302, headers: { location: verdict } });
    },
  };
}
