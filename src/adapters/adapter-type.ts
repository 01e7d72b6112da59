import type { User } from "../core/model/types.ts";
import type {
  GuestUserRequiredOptions,
  RegularUserRequiredOptions,
  TermsRequiredOptions,
} from "../http/guards.ts";
import type { GuestUserHttp } from "../http/guest-user-http.ts";
import type { WebHandler, WebRoute } from "../http/handler.ts";
import type { QuotaGuardOptions } from "../http/quota-guard.ts";

/**
 * What differs from one framework to the next in {@link GuestUserAdapter}: the shapes its
 * members take and return. Each adapter declares one (`HonoAdapterTypes`,
 * `FastifyAdapterTypes`, `ExpressAdapterTypes`, `NextAdapterTypes`).
 *
 * @example
 * ```ts
 * interface HonoAdapterTypes extends AdapterTypes {
 *   readonly session: MiddlewareHandler<GuestUserEnv>;
 *   readonly guardArgs: [];
 *   readonly guard: MiddlewareHandler<GuestUserEnv>;
 *   readonly on: [c: Context];
 *   // ...
 * }
 * ```
 */
export interface AdapterTypes {
  /** What `session()` returns: a middleware (Express, Hono) or a plugin (Fastify). */
  readonly session: unknown;
  /** What a guard takes before its options: nothing, or the route handler it wraps (Next). */
  readonly guardArgs: readonly unknown[];
  /** What a guard returns: a middleware, a `preHandler` hook, a route handler. */
  readonly guard: unknown;
  /** The request a helper works on: `[c]` (Hono), `[request, reply]`, `[req, res]`, `[]` (Next). */
  readonly on: readonly unknown[];
  /** What `verifyCsrf` takes before the submitted token. */
  readonly verifyOn: readonly unknown[];
  /** What `isGuestUser` takes. */
  readonly isGuestArgs: readonly unknown[];
  /** What `isGuestUser` returns (a promise where the visitor may still have to be resolved). */
  readonly isGuestResult: boolean | Promise<boolean>;
  /** What `mount()` returns: the framework's handler. */
  readonly mounted: unknown;
  /** What `routes()` returns: a middleware or a plugin. */
  readonly routes: unknown;
}

/**
 * One adapter of the web layer to a framework (instantiated by `GuestUserHono`,
 * `GuestUserFastify`, `GuestUserExpress` and, in part, `GuestUserNext`): a session middleware,
 * the guards, lazy guests, CSRF helpers for your own forms, and mounting of Web handlers and
 * routes. Guards and `mount()` also work without `session()`. The examples below use Hono;
 * Fastify and Express take `(request, reply)` / `(req, res)` where Hono takes `c`.
 *
 * @example
 * ```ts
 * const app = new Hono().use(guestUser.session()); // c.var.user, c.var.isGuest are typed
 * app.get("/editor/", guestUser.allowGuestUser(), (c) => c.json({ id: c.var.user?.id }));
 * ```
 */
export interface GuestUserAdapter<T extends AdapterTypes> {
  /**
   * The web layer, for the views.
   * @example
   * ```ts
   * app.use(guestUser.routes(accountViews(guestUser.http)));
   * ```
   */
  readonly http: GuestUserHttp;
  /**
   * Resolves the visitor once per request (Hono: `c.var`; Fastify and Express: `request.user`,
   * `request.isGuest`, `request.guestUser`) and sends the pending `Set-Cookie` headers with the
   * response. Never creates a guest. Install it before your routes.
   * @example
   * ```ts
   * app.use(guestUser.session());
   * ```
   */
  session(): T["session"];
  /**
   * The `allow_guest_user` guard: anonymous visitors get a guest (in `"onWrite"` mode only on
   * a same-origin write), then the route runs (as anonymous when guests are disabled or the
   * User-Agent is a blocked crawler).
   * @example
   * ```ts
   * app.get("/editor/", guestUser.allowGuestUser(), (c) => c.json({ id: c.var.user?.id }));
   * ```
   */
  allowGuestUser(...args: T["guardArgs"]): T["guard"];
  /**
   * The `guest_user_required` guard: only guests; anonymous visitors go to `anonymousUrl`,
   * registered users to `registeredUrl`, both with a 302 and no `next`.
   * @default options { anonymousUrl: settings.requiredAnonUrl, registeredUrl: settings.requiredUserUrl }
   * @example
   * ```ts
   * app.get("/welcome/", guestUser.guestUserRequired({ registeredUrl: "/dashboard/" }), handler);
   * ```
   */
  guestUserRequired(...args: [...T["guardArgs"], options?: GuestUserRequiredOptions]): T["guard"];
  /**
   * The `regular_user_required` guard: only registered users; anonymous visitors go to
   * `loginUrl`, guests to `convertUrl`, with a 302 and `?next=<this page>`.
   * @default options { loginUrl: settings.loginUrl, convertUrl: settings.convertUrl, redirectFieldName: "next" }
   * @example
   * ```ts
   * app.get("/billing/", guestUser.regularUserRequired(), handler);
   * ```
   */
  regularUserRequired(
    ...args: [...T["guardArgs"], options?: RegularUserRequiredOptions]
  ): T["guard"];
  /**
   * Terms of service: a registered user who has not accepted the current `terms.version` goes
   * to the accept page (default `/accounts/terms/`) with a 302 and `?next=<this page>`; guests
   * and anonymous visitors pass (put `regularUserRequired()` first to require a login).
   * Mounted app-wide, put it after the account routes so that they stay reachable.
   * @default options { acceptUrl: "/accounts/terms/", redirectFieldName: "next" }
   * @example
   * ```ts
   * app.get("/dashboard/", guestUser.regularUserRequired(), guestUser.termsRequired(), handler);
   * ```
   */
  termsRequired(...args: [...T["guardArgs"], options?: TermsRequiredOptions]): T["guard"];
  /**
   * A quota (the `quotas` option; issue 20): spends `cost` units of quota `name` per request,
   * making a guest of an anonymous visitor first. Past the limit: 429 with `Retry-After`, JSON
   * `{ error: { code: "QUOTA_EXCEEDED" }, quota, upgradeUrl }` or a page offering a guest to
   * convert; nothing is spent then. What is left: `state.quota`.
   * @default options { cost: 1 }
   * @example
   * ```ts
   * app.post("/ask/", guestUser.quota("ai"), handler);
   * ```
   */
  quota(...args: [...T["guardArgs"], name: string, options?: QuotaGuardOptions]): T["guard"];
  /**
   * The reference's `maybe_create_guest_user`: for an anonymous visitor (guests enabled, User-
   * Agent not blocked) creates a guest and logs it in; returns it, or null. In `"onWrite"` mode
   * a safe request only marks `state.guestPending`. Works with or without `session()`.
   * @example
   * ```ts
   * app.post("/cart/", async (c) => { await guestUser.maybeCreateGuestUser(c); ... });
   * ```
   */
  maybeCreateGuestUser(...on: T["on"]): Promise<User | null>;
  /**
   * Makes an anonymous visitor a guest NOW, on any method and in either `createGuests` mode
   * (for handlers that write on GET), when the gate admits it (crawlers, limits, the veto);
   * returns the current user, or null when refused. The cookie goes with the response.
   * @example
   * ```ts
   * app.get("/start/", async (c) => c.json({ id: (await guestUser.ensureGuest(c))?.id ?? null }));
   * ```
   */
  ensureGuest(...on: T["on"]): Promise<User | null>;
  /**
   * The reference's `is_guest_user`: true for a guest, false for registered users and
   * anonymous visitors.
   * @example
   * ```ts
   * if (guestUser.isGuestUser(c)) return c.redirect("/convert/");
   * ```
   */
  isGuestUser(...args: T["isGuestArgs"]): T["isGuestResult"];
  /**
   * The token for the hidden `csrf_token` field of your own POST forms (tied to this browser
   * and its session; the CSRF cookie it may need is sent with the response). Computed only
   * when called. The built-in views and {@link GuestUserAdapter.verifyCsrf} accept it.
   * @example
   * ```ts
   * app.get("/api/csrf/", async (c) => c.json({ csrfToken: await guestUser.csrfToken(c) }));
   * ```
   */
  csrfToken(...on: T["on"]): Promise<string>;
  /**
   * The whole hidden input for your own POST forms, HTML-escaped:
   * `<input type="hidden" name="csrf_token" value="...">`. A log-out button posts it to the
   * logout view (default `/accounts/logout/`), which ends the session and redirects (302).
   * @example
   * ```ts
   * app.get("/", guestUser.allowGuestUser(), async (c) =>
   *   c.html(`<form method="post" action="/accounts/logout/">${await guestUser.csrfField(c)}<button>Log out</button></form>`),
   * );
   * ```
   */
  csrfField(...on: T["on"]): Promise<string>;
  /**
   * Checks the `csrf_token` your own form posted (answer 403 when false). Parse the body
   * first; the token of an anonymous page still counts on the request that made the guest.
   * @example
   * ```ts
   * app.post("/notes/", async (c) => {
   *   const form = await c.req.parseBody();
   *   if (!(await guestUser.verifyCsrf(c, form.csrf_token))) return c.text("Forbidden", 403);
   * });
   * ```
   */
  verifyCsrf(...args: [...T["verifyOn"], submitted: unknown]): Promise<boolean>;
  /**
   * The framework's handler running a {@link WebHandler} (a view, `View.asView()`,
   * `guarded(...)`) on a Web Request built from the framework's; its Response is sent with
   * the pending cookies.
   * @example
   * ```ts
   * app.on(["GET", "POST"], "/convert/", guestUser.mount(convertView(guestUser.http)));
   * ```
   */
  mount(handler: WebHandler): T["mounted"];
  /**
   * Answers the given routes by exact path and method (HEAD as GET); every other request goes
   * on.
   * @default routes accountViews(http): convert, login, logout, sign-up, the account page
   * @example
   * ```ts
   * app.use(guestUser.routes(accountViews(guestUser.http)));
   * ```
   */
  routes(routes?: readonly WebRoute[]): T["routes"];
}
