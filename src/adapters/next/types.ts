import * as v from "valibot";
import type { User } from "../../core/model/types.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler, WebRoute } from "../../http/handler.ts";
import type { RequestState } from "../../http/request.ts";
import { type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { aFunction, describeKind } from "../../shared/option-values.ts";
import type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
import { WEB_LAYER_OPTION } from "../shared.ts";

/** What the adapter reads of Next's `headers()`: a `Headers`-like object. */
export interface NextHeaderList {
  get(name: string): string | null;
}

/** What the proxy uses of `NextResponse` from `next/server` (passed in: no import of next). */
export interface NextResponseApi {
  next(init?: { request?: { headers?: Headers } }): Response;
}

/** Options of `guestUser.proxy()`. */
export interface GuestUserProxyOptions {
  /**
   * Also make anonymous visitors guests here, as `allowGuestUser` does (in `"onWrite"` mode
   * only on a same-origin write), for every path the proxy's `matcher` covers. Off: the
   * proxy only re-sends the cookie of sessions whose expiry it extended.
   * @default false
   * @example allowGuestUser: true
   */
  readonly allowGuestUser?: boolean;
}

/** The options of one cookie, as Next's `cookies().set(name, value, options)` takes them. */
export interface NextCookieOptions {
  readonly httpOnly?: boolean;
  readonly secure?: boolean;
  readonly sameSite?: "lax" | "strict" | "none";
  readonly path?: string;
  readonly domain?: string;
  readonly maxAge?: number;
}

/** What the adapter uses of Next's `cookies()`: `set` (writable in server actions and route handlers). */
export interface NextCookieStore {
  set(name: string, value: string, options?: NextCookieOptions): unknown;
}

/**
 * The two functions of `next/headers` the adapter needs, passed in by the app so that the
 * library never imports `next` itself (it stays an optional peer).
 *
 * @example
 * ```ts
 * import { cookies, headers } from "next/headers";
 * const guestUser = guestUserNext(guestUsers, { cookies, headers });
 * ```
 */
export interface NextHeadersApi {
  /** `headers` from `next/headers`. */
  readonly headers: () => Promise<NextHeaderList>;
  /** `cookies` from `next/headers`. */
  readonly cookies: () => Promise<NextCookieStore>;
}

/**
 * Options of `guestUserNext()`.
 *
 * @example
 * ```ts
 * guestUserNext(guestUsers, { cookies, headers, clientAddress: (h) => h.get("x-real-ip") });
 * ```
 */
export interface GuestUserNextOptions extends NextHeadersApi {
  /** A web layer to share (e.g. the one your views use). @default createGuestUserHttp(guestUsers) */
  readonly http?: GuestUserHttp;
  /**
   * The client's address, for `guestCreationLimit`. Next does not expose the socket: it fills
   * `X-Forwarded-For` from it when the client sent none, and keeps what a proxy sent. The
   * default takes the LAST address of that header (what the nearest hop saw): right behind one
   * proxy that appends to it (nginx `$proxy_add_x_forwarded_for`, most load balancers) and on
   * a bare `next start`, although there a client could name any address. Behind a proxy with
   * its own header, read that one.
   * @default the last address of `X-Forwarded-For`
   * @example clientAddress: (headers) => headers.get("x-real-ip")
   */
  readonly clientAddress?: (headers: NextHeaderList) => string | null;
}

/** {@link GuestUserNextOptions}' schema. */
export const NEXT_OPTIONS = optionBag({
  headers: aFunction<NextHeadersApi["headers"]>("`headers` from next/headers", describeKind),
  cookies: aFunction<NextHeadersApi["cookies"]>("`cookies` from next/headers", describeKind),
  http: WEB_LAYER_OPTION,
  clientAddress: v.optional(
    aFunction<(headers: NextHeaderList) => string | null>("a function", describeKind),
  ),
} satisfies EntriesOf<GuestUserNextOptions>);

/** A Next.js route handler: `export const GET = ...` in `app/**\/route.ts`. */
export type NextRouteHandler = (request: Request, context?: unknown) => Promise<Response>;

/** What a wrapped route handler gets besides the request. */
export interface NextHandlerContext {
  /** The current user (after the guard: a new guest for `allowGuestUser`), or null. */
  readonly user: User | null;
  /** True when the current user is a guest. */
  readonly isGuest: boolean;
  /** The whole request state (session token, pending cookies...). */
  readonly state: RequestState;
  /** The web layer (CSRF tokens, log in and out). */
  readonly http: GuestUserHttp;
  /** Next's second argument to route handlers (`{ params }`), passed through. */
  readonly next: unknown;
}

/** A route handler that runs with the visitor resolved. */
export type GuardedRouteHandler = (
  request: Request,
  context: NextHandlerContext,
) => Response | Promise<Response>;

/** The `GET`/`POST` exports of a catch-all route file. */
export interface NextRouteHandlers {
  readonly GET: NextRouteHandler;
  readonly POST: NextRouteHandler;
  readonly HEAD: NextRouteHandler;
}

/** Who is asking, for a server component. */
export interface NextCurrentUser {
  /** The current user, or null for an anonymous visitor (no guest is ever made here). */
  readonly user: User | null;
  /** True when the current user is a guest. */
  readonly isGuest: boolean;
  /**
   * A guest's deadline in milliseconds since the epoch (the request state's `expiresAt`):
   * null for registered users, anonymous visitors and guests kept forever.
   * @example
   * ```tsx
   * const { isGuest, expiresAt } = await guestUser.currentUser();
   * if (isGuest && expiresAt) return <p>Kept until {new Date(expiresAt).toLocaleDateString()}</p>;
   * ```
   */
  readonly expiresAt: number | null;
  /**
   * True when a server action or a route handler behind `allowGuestUser` would make this
   * visitor a guest (guests enabled, User-Agent not a crawler's).
   */
  readonly canBecomeGuest: boolean;
}

/**
 * The Next.js shapes of {@link GuestUserAdapter}'s members: a guard wraps a route handler
 * (a guard's redirect answers instead, 302 with the cookies; the response carries them).
 * Next has no middleware chain: `session`, `mount` and `routes` are not part of
 * {@link GuestUserNext} (see `currentUser`, `routeHandlers` and `proxy`).
 */
export interface NextAdapterTypes extends AdapterTypes {
  readonly session: never;
  readonly guardArgs: [handler: GuardedRouteHandler];
  readonly guard: NextRouteHandler;
  readonly on: [];
  readonly verifyOn: [];
  readonly isGuestArgs: [];
  readonly isGuestResult: boolean;
  readonly mounted: (handler: WebHandler) => NextRouteHandler;
  readonly routes: NextRouteHandlers;
}

/**
 * The Next.js (App Router) adapter: the current user in server components, guards for route
 * handlers, lazy guests in server actions, and the built-in account views as route handlers.
 *
 * @example
 * ```ts
 * export const guestUser = guestUserNext(guestUsers, { cookies, headers });
 * ```
 */
export interface GuestUserNext
  extends Pick<
    GuestUserAdapter<NextAdapterTypes>,
    | "http"
    | "allowGuestUser"
    | "guestUserRequired"
    | "regularUserRequired"
    | "termsRequired"
    | "quota"
  > {
  /**
   * Who is asking, in a server component (or anywhere `headers()` works): the session cookie
   * validated in ONE query (once per request: later calls reuse it). Never makes a guest, and
   * cannot write cookies (Next forbids it while rendering): a session whose expiry this lookup
   * extended gets its cookie re-sent by the next server action or route handler of ours, or
   * at once by {@link proxy}.
   * @example
   * ```ts
   * const { user, isGuest } = await guestUser.currentUser();
   * ```
   */
  currentUser(): Promise<NextCurrentUser>;
  /**
   * For server actions: makes an anonymous visitor a guest (the gate decides: crawlers, limits,
   * the veto) and writes its cookie through `cookies().set`; returns the current user (guest or
   * registered), or null when refused. A server action is a POST that Next runs only after
   * its own Origin check; our check (the browser's `Sec-Fetch-Site: same-origin`, else `Origin`
   * against `Host`) applies on top in `createGuests: "onWrite"` mode.
   * @example
   * ```ts
   * "use server";
   * export async function addNote(form: FormData) {
   *   const user = await guestUser.ensureGuest();
   *   if (user) await notes.add(user.id, String(form.get("text")));
   * }
   * ```
   */
  ensureGuest(): Promise<User | null>;
  /**
   * A server action that runs with a guest made on first use (see {@link ensureGuest}); it gets
   * the user (null when refused) before its own arguments.
   * @example
   * ```ts
   * export const addNote = guestUser.withGuest(async (user, form: FormData) => { ... });
   * ```
   */
  withGuest<Args extends unknown[], Result>(
    action: (user: User | null, ...args: Args) => Promise<Result>,
  ): (...args: Args) => Promise<Result>;
  /**
   * A server action's log-out: ends the session and clears the cookie.
   * @example
   * ```ts
   * export async function logOut() { "use server"; await guestUser.logOut(); redirect("/"); }
   * ```
   */
  logOut(): Promise<void>;
  /**
   * Route handlers serving the given views (by path and method; a trailing slash is optional),
   * 404 for any other path: export them from a catch-all route such as
   * `app/accounts/[...path]/route.ts`, and from `app/convert/route.ts` for `/convert/`.
   * @default routes accountViews(http)
   * @example
   * ```ts
   * // app/accounts/[...path]/route.ts
   * export const { GET, POST } = guestUser.routeHandlers();
   * ```
   */
  routeHandlers(routes?: readonly WebRoute[]): NextRouteHandlers;
  /**
   * Next's proxy (`proxy.ts` in Next 16, `middleware.ts` in Next 15 with `runtime: "nodejs"`):
   * pass `NextResponse` from `next/server`. It resolves the visitor on every path its `matcher`
   * covers and, when a cookie must change (a session whose expiry was extended, a stale
   * cookie, a guest made with `allowGuestUser: true`), sets it on the response and on the
   * request the page then renders. Costs one query per matched request: match pages only.
   * @default options { allowGuestUser: false }
   * @example
   * ```ts
   * // proxy.ts
   * import { NextResponse } from "next/server";
   * export const proxy = guestUser.proxy(NextResponse);
   * export const config = { matcher: ["/((?!_next/|favicon.ico).*)"] };
   * ```
   */
  proxy(
    responses: NextResponseApi,
    options?: GuestUserProxyOptions,
  ): (request: Request) => Promise<Response>;
}
