import type { Context, MiddlewareHandler } from "hono";
import * as v from "valibot";
import type { User } from "../../core/model/types.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { RequestState } from "../../http/request.ts";
import type { TrustProxy } from "../../http/trust-proxy.ts";
import { type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { aFunction, describeKind } from "../../shared/option-values.ts";
import type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
import { WEB_LAYER_OPTION } from "../shared.ts";

/**
 * What the adapter puts in `c.var` (for the session middleware, a guard or a mounted handler).
 *
 * @example
 * ```ts
 * app.get("/", (c) => c.text(c.var.isGuest ? `Hi guest ${c.var.user?.username}` : "Hi"));
 * ```
 */
export interface GuestUserVariables {
  /** The current user, or null for an anonymous visitor. @default null */
  user: User | null;
  /** True when the current user is a guest. @default false */
  isGuest: boolean;
  /** The whole request state (session token, pending cookies...). */
  guestUser: RequestState;
}

/**
 * The Hono `Env` of apps using the adapter: it types `c.var.user`, `c.var.isGuest` and
 * `c.var.guestUser`. `session()` and the guards are `MiddlewareHandler<GuestUserEnv>`, so
 * Hono infers it wherever they are in the chain: `new Hono().use(guestUser.session())` (one
 * expression) or a route with a guard. A separate `app.use(guestUser.session())` statement
 * cannot change the type of `app` (TypeScript types do not change after a declaration): for
 * that style, declare the app as `new Hono<GuestUserEnv>()`.
 *
 * @example
 * ```ts
 * const app = new Hono<GuestUserEnv>(); // or: new Hono().use(guestUser.session())
 * app.use(guestUser.session());
 * app.get("/", (c) => c.text(c.var.user?.username ?? "anonymous"));
 * ```
 */
export type GuestUserEnv = { Variables: GuestUserVariables };

/**
 * Options of `guestUserHono()`.
 *
 * @example
 * ```ts
 * const guestUser = guestUserHono(guestUsers, { http: createGuestUserHttp(guestUsers) });
 * ```
 */
export interface GuestUserHonoOptions {
  /** A web layer to share (e.g. the one your views use). @default createGuestUserHttp(guestUsers) */
  readonly http?: GuestUserHttp;
  /**
   * The socket's address of the client (or of the nearest proxy), for limits. On other
   * runtimes pass e.g. Bun's `(c) => server.requestIP(c.req.raw)?.address ?? null` or
   * `getConnInfo` from `hono/<runtime>`.
   * @default the socket's remote address under @hono/node-server, else null
   */
  readonly clientAddress?: (c: Context<GuestUserEnv>) => string | null;
  /**
   * Which proxies to believe for the client's address (`X-Forwarded-For`) and protocol
   * (`X-Forwarded-Proto`, which decides `Secure` cookies): a hop count, addresses/CIDRs or
   * proxy-addr names (`"loopback"`), as Express's `trust proxy`. Never trusted by default.
   * @default false
   * @example trustProxy: 1
   */
  readonly trustProxy?: TrustProxy;
}

/** {@link GuestUserHonoOptions}' schema (`trustProxy` is checked where it is compiled). */
export const HONO_OPTIONS = optionBag({
  http: WEB_LAYER_OPTION,
  clientAddress: v.optional(
    aFunction<(c: Context<GuestUserEnv>) => string | null>("a function", describeKind),
  ),
  trustProxy: v.optional(v.custom<TrustProxy>(() => true)),
} satisfies EntriesOf<GuestUserHonoOptions>);

/** The Hono shapes of {@link GuestUserAdapter}'s members. */
export interface HonoAdapterTypes extends AdapterTypes {
  readonly session: MiddlewareHandler<GuestUserEnv>;
  readonly guardArgs: [];
  readonly guard: MiddlewareHandler<GuestUserEnv>;
  readonly on: [c: Context];
  readonly verifyOn: [c: Context];
  readonly isGuestArgs: [target: Context | User | null | undefined];
  readonly isGuestResult: boolean;
  readonly mounted: MiddlewareHandler<GuestUserEnv>;
  readonly routes: MiddlewareHandler<GuestUserEnv>;
}

/**
 * The Hono adapter: {@link GuestUserAdapter}, whose examples are Hono's. The helpers taking `c`
 * accept any app's context, typed or not; `routes()` needs no runtime import of hono.
 *
 * @example
 * ```ts
 * const app = new Hono().use(guestUser.session()); // c.var.user, c.var.isGuest are typed
 * app.get("/editor/", guestUser.allowGuestUser(), (c) => c.json({ id: c.var.user?.id }));
 * ```
 */
export type GuestUserHono = GuestUserAdapter<HonoAdapterTypes>;
