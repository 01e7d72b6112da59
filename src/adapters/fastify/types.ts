import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteHandlerMethod } from "fastify";
import type { User } from "../../core/types.ts";
import type {
  GuestUserRequiredOptions,
  RegularUserRequiredOptions,
  TermsRequiredOptions,
} from "../../http/guards.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler, WebRoute } from "../../http/handler.ts";
import type { RequestState } from "../../http/request.ts";

/**
 * What the plugin adds to every Fastify request (declaration merging: importing the adapter
 * is enough).
 *
 * @example
 * ```ts
 * app.get("/", async (request) => (request.isGuest ? `Hi guest ${request.user?.username}` : "Hi"));
 * ```
 */
declare module "fastify" {
  interface FastifyRequest {
    /** The current user, or null for an anonymous visitor (set by guest-user). @default null */
    user: User | null;
    /** True when the current user is a guest (set by guest-user). @default false */
    isGuest: boolean;
    /** The whole request state of guest-user (token, pending cookies). @default null before it ran */
    guestUser: RequestState | null;
  }
}

/**
 * A guard as a `preHandler` hook; it answers a 302 itself or lets the route run.
 *
 * @example
 * ```ts
 * app.get("/billing/", { preHandler: guestUser.regularUserRequired() }, handler);
 * ```
 */
export type GuestUserPreHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>;

/**
 * Options of `guestUserFastify()`.
 *
 * @example
 * ```ts
 * await app.register(formbody); // your own parser: register it before ours, or...
 * const guestUser = guestUserFastify(guestUsers, { formBody: false });
 * ```
 */
export interface GuestUserFastifyOptions {
  /** A web layer to share (e.g. the one your views use). @default createGuestUserHttp(guestUsers) */
  readonly http?: GuestUserHttp;
  /**
   * Register a parser for `application/x-www-form-urlencoded` bodies (same shape as
   * `@fastify/formbody`) when none is registered yet.
   * @default true
   */
  readonly formBody?: boolean;
}

/**
 * The Fastify adapter: an app-wide plugin, the three guards as `preHandler` hooks, CSRF
 * helpers for your own forms, and mounting of Web handlers and routes. Guards and `mount()`
 * also work without the plugin.
 *
 * @example
 * ```ts
 * await app.register(guestUser.session());
 * app.get("/editor/", { preHandler: guestUser.allowGuestUser() }, async (request) => request.user);
 * ```
 */
export interface GuestUserFastify {
  /**
   * The web layer, for the views.
   * @example
   * ```ts
   * await app.register(guestUser.routes(accountViews(guestUser.http)));
   * ```
   */
  readonly http: GuestUserHttp;
  /**
   * The plugin (not encapsulated, so it covers the whole app): decorates `request.user`,
   * `request.isGuest` and `request.guestUser`, resolves them in `onRequest`, sends pending
   * cookies in `onSend`, and parses URL-encoded forms (see `formBody`).
   * @example
   * ```ts
   * await app.register(guestUser.session());
   * ```
   */
  session(): FastifyPluginAsync;
  /**
   * The `allow_guest_user` guard: anonymous visitors get a guest, then the route runs (as
   * anonymous when guests are disabled or the User-Agent is a blocked crawler).
   * @example
   * ```ts
   * app.get("/editor/", { preHandler: guestUser.allowGuestUser() }, handler);
   * ```
   */
  allowGuestUser(): GuestUserPreHandler;
  /**
   * The `guest_user_required` guard: only guests; anonymous visitors go to `anonymousUrl`,
   * registered users to `registeredUrl`, both with a 302 and no `next`.
   * @example
   * ```ts
   * app.get("/welcome/", { preHandler: guestUser.guestUserRequired({ registeredUrl: "/home/" }) }, handler);
   * ```
   */
  guestUserRequired(options?: GuestUserRequiredOptions): GuestUserPreHandler;
  /**
   * The `regular_user_required` guard: only registered users; anonymous visitors go to
   * `loginUrl`, guests to `convertUrl`, with a 302 and `?next=<this page>`.
   * @example
   * ```ts
   * app.get("/billing/", { preHandler: guestUser.regularUserRequired() }, handler);
   * ```
   */
  regularUserRequired(options?: RegularUserRequiredOptions): GuestUserPreHandler;
  /**
   * Terms of service: a registered user who has not accepted the current `terms.version` goes
   * to the accept page (default `/accounts/terms/`) with a 302 and `?next=<this page>`; guests
   * and anonymous visitors pass (run `regularUserRequired()` first to require a login).
   * @default options { acceptUrl: "/accounts/terms/", redirectFieldName: "next" }
   * @example
   * ```ts
   * app.get("/dashboard/", { preHandler: [guestUser.regularUserRequired(), guestUser.termsRequired()] }, handler);
   * ```
   */
  termsRequired(options?: TermsRequiredOptions): GuestUserPreHandler;
  /**
   * The reference's `maybe_create_guest_user`: for an anonymous visitor (guests enabled, User-
   * Agent not blocked) creates a guest and logs it in (cookie set on `reply`); returns it, or null.
   * @example
   * ```ts
   * app.post("/cart/", async (request, reply) => { await guestUser.maybeCreateGuestUser(request, reply); ... });
   * ```
   */
  maybeCreateGuestUser(request: FastifyRequest, reply: FastifyReply): Promise<User | null>;
  /**
   * Makes an anonymous visitor a guest NOW, on any method and in either `createGuests` mode
   * (for handlers that write on GET), when the gate admits it (crawlers, limits, the veto);
   * returns the current user, or null when refused. The cookie goes on `reply`.
   * @example
   * ```ts
   * app.get("/start/", async (request, reply) => ({ id: (await guestUser.ensureGuest(request, reply))?.id ?? null }));
   * ```
   */
  ensureGuest(request: FastifyRequest, reply: FastifyReply): Promise<User | null>;
  /**
   * The token for the hidden `csrf_token` field of your own POST forms (tied to this browser
   * and its session; the CSRF cookie it may need goes on `reply`). Computed only when called.
   * The built-in views and {@link verifyCsrf} accept it.
   * @example
   * ```ts
   * app.get("/api/csrf/", async (request, reply) => ({ csrfToken: await guestUser.csrfToken(request, reply) }));
   * ```
   */
  csrfToken(request: FastifyRequest, reply: FastifyReply): Promise<string>;
  /**
   * The whole hidden input for your own POST forms, HTML-escaped:
   * `<input type="hidden" name="csrf_token" value="...">`. A log-out button posts it to the
   * logout view (default `/accounts/logout/`), which ends the session and redirects (302).
   * @example
   * ```ts
   * app.get("/", { preHandler: guestUser.allowGuestUser() }, async (request, reply) => {
   *   const field = await guestUser.csrfField(request, reply);
   *   return reply.type("text/html").send(
   *     `<form method="post" action="/accounts/logout/">${field}<button>Log out</button></form>`,
   *   );
   * });
   * ```
   */
  csrfField(request: FastifyRequest, reply: FastifyReply): Promise<string>;
  /**
   * Checks the `csrf_token` your own form posted (answer 403 when false). The plugin parses
   * URL-encoded forms (see `formBody`).
   * @example
   * ```ts
   * app.post("/notes/", async (request, reply) => {
   *   const { csrf_token } = request.body as { csrf_token?: string };
   *   if (!(await guestUser.verifyCsrf(request, csrf_token))) return reply.code(403).send("Forbidden");
   *   // ... save the note
   * });
   * ```
   */
  verifyCsrf(request: FastifyRequest, submitted: unknown): Promise<boolean>;
  /**
   * The reference's `is_guest_user`: true for a guest, false for registered users and
   * anonymous visitors. Takes the request or a user.
   * @example
   * ```ts
   * if (guestUser.isGuestUser(request)) return reply.redirect("/convert/");
   * ```
   */
  isGuestUser(target: FastifyRequest | User | null | undefined): boolean;
  /**
   * A route handler running a {@link WebHandler} on a Web Request built from the Fastify one
   * (URL, method, headers, re-encoded body); its Response is sent with the pending cookies.
   * @example
   * ```ts
   * app.route({ method: ["GET", "POST"], url: "/convert/", handler: guestUser.mount(convertView(guestUser.http)) });
   * ```
   */
  mount(handler: WebHandler): RouteHandlerMethod;
  /**
   * A plugin registering the given routes (HEAD comes with GET, as Fastify does).
   * @default routes accountViews(http): convert, login, logout, sign-up, the account page
   * @example
   * ```ts
   * await app.register(guestUser.routes(accountViews(guestUser.http)));
   * ```
   */
  routes(routes?: readonly WebRoute[]): FastifyPluginAsync;
}
