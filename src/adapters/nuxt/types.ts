import * as v from "valibot";
import type { User } from "../../core/model/types.ts";
import type {
  GuestUserRequiredOptions,
  RegularUserRequiredOptions,
  TermsRequiredOptions,
} from "../../http/guards.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebRoute } from "../../http/handler.ts";
import type { QuotaGuardOptions } from "../../http/quota-guard.ts";
import type { RequestState } from "../../http/request.ts";
import type { TrustProxy } from "../../http/trust-proxy.ts";
import { type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { aFunction, describeKind } from "../../shared/option-values.ts";
import type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
import { WEB_LAYER_OPTION } from "../shared.ts";
import type { NuxtCurrentUser } from "./current-user.ts";
import { MODULE_DEFAULTS } from "./module-options.ts";

export type { NuxtCurrentUser } from "./current-user.ts";

/** What the adapter reads of Node's request under an h3 event (`event.node.req`). */
export interface H3NodeRequest {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly socket?: { readonly remoteAddress?: string | undefined; readonly encrypted?: boolean };
  readonly readableEnded?: boolean;
}

/** What the adapter uses of Node's response under an h3 event (`event.node.res`). */
export interface H3NodeResponse {
  readonly headersSent?: boolean;
  getHeader(name: string): number | string | readonly string[] | undefined;
  setHeader(name: string, value: string | readonly string[]): unknown;
}

/**
 * The part of h3's `H3Event` (h3 1.x: Nuxt 3 and 4, Nitro 2) the adapter uses: declared here so
 * that the library never imports h3; Nuxt's own events fit.
 */
export interface H3EventLike {
  /** The request path with its query, e.g. `/convert/?next=/`. */
  readonly path: string;
  /** Where handlers share data: the adapter sets `user`, `isGuest` and `guestUser`. */
  readonly context: Record<string, unknown>;
  readonly node: { readonly req: H3NodeRequest; readonly res: H3NodeResponse };
  /** The Web request, on runtimes that have one (`event.web.request`). */
  readonly web?: { readonly request?: Request | undefined } | undefined;
}

/**
 * An h3 event handler (for `server/middleware/` and `server/routes/`): wrap it in
 * `defineEventHandler()` in the file that exports it.
 */
export type H3Handler<T = unknown> = (event: H3EventLike) => Promise<T>;

/** A server route's handler that runs with the visitor resolved (see the guards). */
export type GuardedEventHandler<T> = (event: H3EventLike) => T | Promise<T>;

/**
 * Options of `guestUserNuxt()`.
 *
 * @example
 * ```ts
 * guestUserNuxt(guestUsers, { trustProxy: 1 });
 * ```
 */
export interface GuestUserNuxtOptions {
  /** A web layer to share (e.g. the one your views use). @default createGuestUserHttp(guestUsers) */
  readonly http?: GuestUserHttp;
  /**
   * The routes the middleware answers itself (by path and method; a trailing slash is
   * optional); `false` for none. Pass `accountViews(http, { ... })` with your `http` to change
   * their paths or pages.
   * @default accountViews(http): /convert/, /accounts/login/, /accounts/logout/, /accounts/signup/...
   * @example routes: accountViews(http).filter((route) => route.path !== "/accounts/signup/")
   */
  readonly routes?: readonly WebRoute[] | false;
  /**
   * Where the middleware answers `GET` with the current user as JSON (`NuxtCurrentUser`), for
   * `useGuestUser().refresh()`; `false` for nowhere. Keep it in step with the module's
   * `sessionPath` option.
   * @default "/api/_guest-user/session"
   * @example sessionPath: "/api/me"
   */
  readonly sessionPath?: string | false;
  /**
   * The client's address, for `guestCreationLimit`.
   * @default the socket's remote address (through the trusted proxies of `trustProxy`)
   * @example clientAddress: (event) => String(event.node.req.headers["x-real-ip"] ?? "") || null
   */
  readonly clientAddress?: (event: H3EventLike) => string | null;
  /**
   * Which proxies to believe for the client's address (`X-Forwarded-For`) and protocol
   * (`X-Forwarded-Proto`, which decides `Secure` cookies), as Express's `trust proxy`. Never
   * trusted by default.
   * @default false
   * @example trustProxy: 1
   */
  readonly trustProxy?: TrustProxy;
}

/** The path the session JSON is served at, by default (the module's default too). */
export const DEFAULT_SESSION_PATH = MODULE_DEFAULTS.sessionPath;

/** {@link GuestUserNuxtOptions}' schema (`trustProxy` is checked where it is compiled). */
export const NUXT_OPTIONS = optionBag({
  http: WEB_LAYER_OPTION,
  routes: v.optional(v.union([v.literal(false), v.array(v.custom<WebRoute>(() => true))])),
  sessionPath: v.optional(
    v.union([v.literal(false), v.pipe(v.string(), v.startsWith("/"))]),
    DEFAULT_SESSION_PATH,
  ),
  clientAddress: v.optional(
    aFunction<(event: H3EventLike) => string | null>("a function", describeKind),
  ),
  trustProxy: v.optional(v.custom<TrustProxy>(() => true)),
} satisfies EntriesOf<GuestUserNuxtOptions>);

/** What the middleware puts in `event.context`. */
export interface GuestUserContext {
  /** The current user, or null for an anonymous visitor. @default null */
  readonly user: User | null;
  /** True when the current user is a guest. @default false */
  readonly isGuest: boolean;
  /** The whole request state (session token, pending cookies...). */
  readonly guestUser: RequestState;
}

/**
 * The Nuxt shapes of {@link GuestUserAdapter}'s members: helpers take the h3 event, `mount()`
 * gives an event handler. The guards wrap a handler (see {@link GuestUserNuxt}: generic in
 * what it returns, for Nitro's typed `$fetch`); the middleware replaces `session` and `routes`.
 */
export interface NuxtAdapterTypes extends AdapterTypes {
  readonly session: never;
  readonly guardArgs: [handler: GuardedEventHandler<unknown>];
  readonly guard: H3Handler;
  readonly on: [event: H3EventLike];
  readonly verifyOn: [event: H3EventLike];
  readonly isGuestArgs: [];
  readonly isGuestResult: boolean;
  readonly mounted: H3Handler<Response>;
  readonly routes: never;
}

/**
 * The Nuxt (Nitro, h3) adapter: a server middleware that resolves the visitor, serves the
 * built-in account views and the session JSON; helpers and guards for server routes.
 *
 * @example
 * ```ts
 * export const guestUser = guestUserNuxt(guestUsers);
 * ```
 */
export interface GuestUserNuxt
  extends Pick<
    GuestUserAdapter<NuxtAdapterTypes>,
    "http" | "csrfToken" | "csrfField" | "verifyCsrf" | "mount"
  > {
  /**
   * The server middleware (`server/middleware/guest-user.ts`): resolves the visitor once per
   * request into `event.context.user`, `event.context.isGuest` and `event.context.guestUser`,
   * never making a guest; answers the built-in views (`routes`) and the session JSON
   * (`sessionPath`); every pending `Set-Cookie` goes with the response that follows.
   * @example
   * ```ts
   * // server/middleware/guest-user.ts
   * export default defineEventHandler(guestUser.middleware);
   * ```
   */
  readonly middleware: H3Handler;
  /**
   * Who is asking (the state the middleware resolved, else resolved now). Never makes a guest.
   * @example
   * ```ts
   * const { user, isGuest } = await guestUser.currentUser(event);
   * ```
   */
  currentUser(event: H3EventLike): Promise<NuxtCurrentUser>;
  /**
   * For a write (a POST from a form or `$fetch`): makes an anonymous visitor a guest when the
   * gate admits it (crawlers, limits, the veto; in `createGuests: "onWrite"` mode a same-origin
   * or CSRF-proven write only), its cookie sent with the response; returns the current user
   * (guest or registered), or null when refused.
   * @example
   * ```ts
   * const user = await guestUser.ensureGuest(event);
   * if (!user) throw createError({ statusCode: 403 });
   * ```
   */
  ensureGuest(event: H3EventLike): Promise<User | null>;
  /**
   * Ends the session (guest or registered) and clears the cookie.
   * @example
   * ```ts
   * await guestUser.logOut(event);
   * ```
   */
  logOut(event: H3EventLike): Promise<void>;
  /**
   * A route handler behind the `allow_guest_user` guard: anonymous visitors get a guest (in
   * `"onWrite"` mode only on a same-origin write), then `handler` runs.
   * @example
   * ```ts
   * export default defineEventHandler(guestUser.allowGuestUser((event) => ({ id: event.context.user })));
   * ```
   */
  allowGuestUser<T>(handler: GuardedEventHandler<T>): H3Handler<T | Response>;
  /** The `guest_user_required` guard (a 302 for anonymous and registered users). */
  guestUserRequired<T>(
    handler: GuardedEventHandler<T>,
    options?: GuestUserRequiredOptions,
  ): H3Handler<T | Response>;
  /**
   * The `regular_user_required` guard: anonymous visitors go to the login page, guests to the
   * convert page, with a 302 and `?next=<this path>`.
   * @example
   * ```ts
   * export default defineEventHandler(guestUser.regularUserRequired((event) => "paid area"));
   * ```
   */
  regularUserRequired<T>(
    handler: GuardedEventHandler<T>,
    options?: RegularUserRequiredOptions,
  ): H3Handler<T | Response>;
  /** Terms of service: a 302 to the accept page for a registered user who has not accepted. */
  termsRequired<T>(
    handler: GuardedEventHandler<T>,
    options?: TermsRequiredOptions,
  ): H3Handler<T | Response>;
  /**
   * A quota (the `quotas` option): spends `cost` units of quota `name` per call, making a guest
   * of an anonymous visitor first; past the limit the 429 (JSON or the page offering a guest to
   * convert) answers instead of `handler`.
   * @default options { cost: 1 }
   * @example
   * ```ts
   * export default defineEventHandler(guestUser.quota((event) => ask(event), "ai"));
   * ```
   */
  quota<T>(
    handler: GuardedEventHandler<T>,
    name: string,
    options?: QuotaGuardOptions,
  ): H3Handler<T | Response>;
}
