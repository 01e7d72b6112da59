import type { Context, MiddlewareHandler } from "hono";
import type { User } from "../../core/types.ts";
import type {
  GuestUserRequiredOptions,
  RegularUserRequiredOptions,
  TermsRequiredOptions,
} from "../../http/guards.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler, WebRoute } from "../../http/handler.ts";
import type { TrustProxy } from "../../http/proxy.ts";
import type { RequestState } from "../../http/request.ts";

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

/**
 * The Hono adapter: a session middleware, the three guards as middlewares, CSRF helpers for
 * your own forms, and mounting of Web handlers and routes. Guards and `mount()` also work on
 * apps without `session()`; the helpers taking `c` accept any app's context, typed or not.
 *
 * @example
 * ```ts
 * const app = new Hono().use(guestUser.session()); // c.var.user, c.var.isGuest are typed
 * app.get("/editor/", guestUser.allowGuestUser(), (c) => c.json({ id: c.var.user?.id }));
 * ```
 */
export interface GuestUserHono {
  /**
   * The web layer, for the views.
   * @example
   * ```ts
   * app.use(guestUser.routes(accountViews(guestUser.http)));
   * ```
   */
  readonly http: GuestUserHttp;
  /**
   * Resolves the visitor once per request into `c.var` and adds the pending `Set-Cookie`
   * headers to the response. Install it before your routes.
   * @example
   * ```ts
   * app.use(guestUser.session());
   * ```
   */
  session(): MiddlewareHandler<GuestUserEnv>;
  /**
   * The `allow_guest_user` guard: anonymous visitors get a guest, then the route runs (as
   * anonymous when guests are disabled or the User-Agent is a blocked crawler).
   * @example
   * ```ts
   * app.get("/editor/", guestUser.allowGuestUser(), (c) => c.json({ id: c.var.user?.id }));
   * ```
   */
  allowGuestUser(): MiddlewareHandler<GuestUserEnv>;
  /**
   * The `guest_user_required` guard: only guests; anonymous visitors go to `anonymousUrl`,
   * registered users to `registeredUrl`, both with a 302 and no `next`.
   * @example
   * ```ts
   * app.get("/welcome/", guestUser.guestUserRequired({ registeredUrl: "/dashboard/" }), handler);
   * ```
   */
  guestUserRequired(options?: GuestUserRequiredOptions): MiddlewareHandler<GuestUserEnv>;
  /**
   * The `regular_user_required` guard: only registered users; anonymous visitors go to
   * `loginUrl`, guests to `convertUrl`, with a 302 and `?next=<this page>`.
   * @example
   * ```ts
   * app.get("/billing/", guestUser.regularUserRequired(), handler);
   * ```
   */
  regularUserRequired(options?: RegularUserRequiredOptions): MiddlewareHandler<GuestUserEnv>;
  /**
   * Terms of service: a registered user who has not accepted the current `terms.version` goes
   * to the accept page (default `/accounts/terms/`) with a 302 and `?next=<this page>`; guests
   * and anonymous visitors pass (put `regularUserRequired()` first to require a login).
   * @default options { acceptUrl: "/accounts/terms/", redirectFieldName: "next" }
   * @example
   * ```ts
   * app.get("/dashboard/", guestUser.regularUserRequired(), guestUser.termsRequired(), handler);
   * ```
   */
  termsRequired(options?: TermsRequiredOptions): MiddlewareHandler<GuestUserEnv>;
  /**
   * The reference's `maybe_create_guest_user`: for an anonymous visitor (guests enabled, User-
   * Agent not blocked) creates a guest and logs it in; returns it, or null. In `"onWrite"` mode a
   * safe request only marks `state.guestPending`. Works with or without `session()`.
   * @example
   * ```ts
   * app.post("/cart/", async (c) => { await guestUser.maybeCreateGuestUser(c); ... });
   * ```
   */
  maybeCreateGuestUser(c: Context): Promise<User | null>;
  /**
   * Makes an anonymous visitor a guest NOW, on any method and in either `createGuests` mode
   * (for handlers that write on GET), when the gate admits it (crawlers, limits, the veto);
   * returns the current user, or null when refused.
   * @example
   * ```ts
   * app.get("/start/", async (c) => c.json({ id: (await guestUser.ensureGuest(c))?.id ?? null }));
   * ```
   */
  ensureGuest(c: Context): Promise<User | null>;
  /**
   * The reference's `is_guest_user`: true for a guest, false for registered users and
   * anonymous visitors. Takes the context or a user.
   * @example
   * ```ts
   * if (guestUser.isGuestUser(c)) return c.redirect("/convert/");
   * ```
   */
  isGuestUser(target: Context | User | null | undefined): boolean;
  /**
   * The token for the hidden `csrf_token` field of your own POST forms (tied to this browser
   * and its session; the CSRF cookie it may need is sent with the response). Computed only
   * when called. The built-in views and {@link verifyCsrf} accept it.
   * @example
   * ```ts
   * app.get("/api/csrf/", async (c) => c.json({ csrfToken: await guestUser.csrfToken(c) }));
   * ```
   */
  csrfToken(c: Context): Promise<string>;
  /**
   * The whole hidden input for your own POST forms, HTML-escaped:
   * `<input type="hidden" name="csrf_token" value="...">`. A log-out button posts it to the
   * logout view (default `/accounts/logout/`), which ends the session and redirects (302).
   * @example
   * ```ts
   * app.get("/", guestUser.allowGuestUser(), async (c) =>
   *   c.html(`<p>Hi ${c.var.user?.username}</p>
   *     <form method="post" action="/accounts/logout/">${await guestUser.csrfField(c)}<button>Log out</button></form>`),
   * );
   * ```
   */
  csrfField(c: Context): Promise<string>;
  /**
   * Checks the `csrf_token` your own form posted (answer 403 when false). Parse the body
   * first; the token of an anonymous page still counts on the request that made the guest.
   * @example
   * ```ts
   * app.post("/notes/", async (c) => {
   *   const form = await c.req.parseBody();
   *   if (!(await guestUser.verifyCsrf(c, form.csrf_token))) return c.text("Forbidden", 403);
   *   // ... save the note
   * });
   * ```
   */
  verifyCsrf(c: Context, submitted: unknown): Promise<boolean>;
  /**
   * A Hono handler running a {@link WebHandler}; its Response gets the pending cookies.
   * @example
   * ```ts
   * app.on(["GET", "POST"], "/convert/", guestUser.mount(convertView(guestUser.http)));
   * ```
   */
  mount(handler: WebHandler): MiddlewareHandler<GuestUserEnv>;
  /**
   * A middleware answering the given routes by exact path and method (HEAD as GET), passing
   * every other request on. Needs no runtime import of hono.
   * @default routes accountViews(http): convert, login, logout, sign-up, the account page
   * @example
   * ```ts
   * app.use(guestUser.routes(accountViews(guestUser.http)));
   * ```
   */
  routes(routes?: readonly WebRoute[]): MiddlewareHandler<GuestUserEnv>;
}
