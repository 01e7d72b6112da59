import * as v from "valibot";
import type { User } from "../../core/model/types.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebRoute } from "../../http/handler.ts";
import type { QuotaGuardOptions } from "../../http/quota-guard.ts";
import type { RequestState } from "../../http/request.ts";
import { type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { aFunction, describeKind } from "../../shared/option-values.ts";
import type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
import { WEB_LAYER_OPTION } from "../shared.ts";

/**
 * What the adapter puts in `event.locals` (the `handle` hook does, for every request): extend
 * your `App.Locals` with it in `src/app.d.ts`.
 *
 * @example
 * ```ts
 * // src/app.d.ts
 * import type { GuestUserLocals } from "guest-user/sveltekit";
 * declare global {
 *   namespace App {
 *     interface Locals extends GuestUserLocals {}
 *   }
 * }
 * export {};
 * ```
 */
export interface GuestUserLocals {
  /** The current user, or null for an anonymous visitor. @default null */
  user: User | null;
  /** True when the current user is a guest. @default false */
  isGuest: boolean;
  /** The whole request state (session token, pending cookies...). */
  guestUser: RequestState;
}

/**
 * What the adapter reads of SvelteKit's events (`RequestEvent`, a server `load`'s event, a form
 * action's): structural, so the library never imports `@sveltejs/kit`.
 */
export interface SvelteKitEvent {
  /** The Web Request. */
  readonly request: Request;
  /** The page's URL (SvelteKit strips the `__data.json` of client-side navigations). */
  readonly url: URL;
  /** `event.locals`, where the `handle` hook put {@link GuestUserLocals}. */
  readonly locals: object;
}

/** The `handle` hook's event: also the client's address. */
export interface SvelteKitHandleEvent extends SvelteKitEvent {
  /** The client's address, as the SvelteKit adapter determined it (adapter-node: `ADDRESS_HEADER`, `XFF_DEPTH`). */
  getClientAddress(): string;
}

/** What a `handle` hook gets: the event, and `resolve` to render the route. */
export interface SvelteKitHandleInput<E extends SvelteKitHandleEvent> {
  readonly event: E;
  resolve(event: E): Response | Promise<Response>;
}

/** SvelteKit's `redirect` (from `@sveltejs/kit`), which throws. */
export type SvelteKitRedirect = (status: 302, location: string) => never;

/**
 * Options of `guestUserSvelteKit()`.
 *
 * @example
 * ```ts
 * import { redirect } from "@sveltejs/kit";
 * export const guestUser = guestUserSvelteKit(guestUsers, { redirect });
 * ```
 */
export interface GuestUserSvelteKitOptions {
  /** A web layer to share (e.g. the one your views use). @default createGuestUserHttp(guestUsers) */
  readonly http?: GuestUserHttp;
  /**
   * `redirect` from `@sveltejs/kit`, which the guards throw (SvelteKit recognises only its own
   * `Redirect`, so the app passes its copy: the library never imports `@sveltejs/kit`). Needed
   * by the guards only.
   * @default undefined (a guard that must redirect throws an `INVALID_CONFIG` error)
   * @example redirect
   */
  readonly redirect?: SvelteKitRedirect;
  /**
   * The views `handle` answers itself, by path (with or without the trailing slash, so
   * SvelteKit's default `trailingSlash: "never"` does not matter) and method, before any route
   * of yours. `[]` serves none.
   * @default accountViews(http): convert, log in, log out, sign up, the account page
   */
  readonly routes?: readonly WebRoute[];
  /**
   * The client's address, for `guestCreationLimit`.
   * @default event.getClientAddress() (null when the SvelteKit adapter cannot tell)
   * @example clientAddress: (event) => event.request.headers.get("x-real-ip")
   */
  readonly clientAddress?: (event: SvelteKitHandleEvent) => string | null;
}

/** {@link GuestUserSvelteKitOptions}' schema. */
export const SVELTEKIT_OPTIONS = optionBag({
  http: WEB_LAYER_OPTION,
  redirect: v.optional(aFunction<SvelteKitRedirect>("`redirect` from @sveltejs/kit", describeKind)),
  routes: v.optional(v.custom<readonly WebRoute[]>(Array.isArray, "an array of routes")),
  clientAddress: v.optional(
    aFunction<(event: SvelteKitHandleEvent) => string | null>("a function", describeKind),
  ),
} satisfies EntriesOf<GuestUserSvelteKitOptions>);

/** Who is asking, for a `load` function (the same shape as `guest-user/next`'s). */
export interface SvelteKitCurrentUser {
  /** The current user, or null for an anonymous visitor (no guest is ever made here). */
  readonly user: User | null;
  /** True when the current user is a guest. */
  readonly isGuest: boolean;
  /**
   * A guest's deadline in milliseconds since the epoch: null for registered users, anonymous
   * visitors and guests kept forever.
   */
  readonly expiresAt: number | null;
  /** True when a form action's `ensureGuest` would make this visitor a guest. */
  readonly canBecomeGuest: boolean;
}

/** A form action (or any server function of an event) that runs with the visitor. */
export type GuestAction<E extends SvelteKitEvent, R> = (
  event: E,
  user: User | null,
) => R | Promise<R>;

/**
 * The SvelteKit shapes of {@link GuestUserAdapter}'s members: a guard takes the event (of a
 * `load` or a form action) and throws SvelteKit's redirect, else resolves. SvelteKit has no
 * middleware chain: `session`, `mount` and `routes` are not part of {@link GuestUserSvelteKit}
 * (see `handle`).
 */
export interface SvelteKitAdapterTypes extends AdapterTypes {
  readonly session: never;
  readonly guardArgs: [event: SvelteKitEvent];
  readonly guard: Promise<void>;
  readonly on: [event: SvelteKitEvent];
  readonly verifyOn: [event: SvelteKitEvent];
  readonly isGuestArgs: [event: SvelteKitEvent];
  readonly isGuestResult: boolean;
  readonly mounted: never;
  readonly routes: never;
}

/**
 * The SvelteKit adapter: a `handle` hook, helpers for `load` functions and form actions, and
 * guards (`await guestUser.regularUserRequired(event)` in a `load` or an action) that throw
 * SvelteKit's redirect.
 *
 * @example
 * ```ts
 * // src/hooks.server.ts
 * export const handle = guestUser.handle;
 * ```
 */
export interface GuestUserSvelteKit
  extends Pick<
    GuestUserAdapter<SvelteKitAdapterTypes>,
    | "http"
    | "allowGuestUser"
    | "guestUserRequired"
    | "regularUserRequired"
    | "termsRequired"
    | "csrfToken"
    | "csrfField"
    | "verifyCsrf"
    | "isGuestUser"
  > {
  /**
   * The `handle` hook (`src/hooks.server.ts`; first in `sequence()`): resolves the visitor once
   * per request into `event.locals` ({@link GuestUserLocals}), answers the built-in account
   * views (`/accounts/login/`, `/convert/`...), and adds the pending `Set-Cookie` headers to
   * the response. Never makes a guest. A database outage answers 503 with `Retry-After`.
   * @example
   * ```ts
   * export const handle = guestUser.handle;
   * ```
   */
  handle<E extends SvelteKitHandleEvent>(input: SvelteKitHandleInput<E>): Promise<Response>;
  /**
   * Who is asking, in a server `load`: never makes a guest.
   * @example
   * ```ts
   * export const load = async (event) => ({ me: await guestUser.currentUser(event) });
   * ```
   */
  currentUser(event: SvelteKitEvent): Promise<SvelteKitCurrentUser>;
  /**
   * For form actions: makes an anonymous visitor a guest (the gate decides: crawlers, limits,
   * the veto; in `createGuests: "onWrite"` mode only on a same-origin write, which a form
   * action is) and returns the current user (guest or registered), or null when refused. The
   * cookie goes with the response; `event.locals.user` is updated.
   * @example
   * ```ts
   * const user = await guestUser.ensureGuest(event);
   * ```
   */
  ensureGuest(event: SvelteKitEvent): Promise<User | null>;
  /**
   * A form action that runs with a guest made on first use (see {@link ensureGuest}).
   * @example
   * ```ts
   * export const actions = { add: guestUser.withGuest(async (event, user) => { ... }) };
   * ```
   */
  withGuest<E extends SvelteKitEvent, R>(action: GuestAction<E, R>): (event: E) => Promise<R>;
  /**
   * Ends the session and clears the cookie (a form action's log-out).
   * @example
   * ```ts
   * await guestUser.logOut(event);
   * ```
   */
  logOut(event: SvelteKitEvent): Promise<void>;
  /**
   * A quota (the `quotas` option) in a `+server.ts` endpoint or a form action: spends `cost`
   * units of quota `name`, making a guest of an anonymous visitor first. Answers null when
   * spent (`event.locals.guestUser.quota` says what is left), else the 429 Response to return
   * (JSON or the page offering a guest to convert). A visitor who cannot get a guest is
   * redirected to the login page (`redirect` given), or gets that 302 as the Response.
   * @default options { cost: 1 }
   * @example
   * ```ts
   * export const POST = async (event) => (await guestUser.quota(event, "ai")) ?? json(await ask(event));
   * ```
   */
  quota(event: SvelteKitEvent, name: string, options?: QuotaGuardOptions): Promise<Response | null>;
}
