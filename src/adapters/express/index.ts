import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  RequestHandler,
} from "express";
import type { GuestUsers } from "../../core/guest-users.ts";
import type { User } from "../../core/types.ts";
import {
  allowGuestUser,
  type Guard,
  type GuestUserRequiredOptions,
  guestUserRequired,
  type RegularUserRequiredOptions,
  regularUserRequired,
  type TermsRequiredOptions,
  termsRequired,
} from "../../http/guards.ts";
import { createGuestUserHttp, type GuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler, WebRoute } from "../../http/handler.ts";
import { accountViews } from "../../http/views/index.ts";
import { checkAdapterOptions } from "../option-keys.ts";
import { csrfHelpers } from "./csrf.ts";
import { passportBinding, type SessionBinding } from "./passport.ts";
import { requestPlumbing } from "./plumbing.ts";
import { httpRequestOf, webRequestOf } from "./request.ts";
import { sendResponse } from "./response.ts";
import { routesMiddleware } from "./router.ts";
import { socialLoginOf } from "./social-login.ts";

export {
  type PassportProfile,
  passportIdentity,
} from "./social-login.ts";
export type { GuestUserLocals } from "./types.ts";

/** Options of {@link guestUserExpress}. */
export interface GuestUserExpressOptions {
  /**
   * Where logins live. `"cookie"`: our own session cookie. `"passport"`: an app's existing
   * express-session + Passport (>= 0.6); new guests and conversions are logged in with
   * `req.login(user)`, and `passport.serializeUser` must accept our user (e.g. store `user.id`).
   * @default "cookie"
   */
  readonly login?: "cookie" | "passport";
  /** The web layer to use, when you already made one. @default createGuestUserHttp(guestUsers) */
  readonly http?: GuestUserHttp;
}

/**
 * Express glue (4 and 5) for guest users: middlewares that resolve the visitor, the three
 * guards, helpers, and mounting of Web handlers and the built-in views.
 *
 * @example
 * ```ts
 * import { guestUserExpress } from "guest-user/express";
 * const guestUser = guestUserExpress(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));
 * app.use(guestUser.session());
 * app.use(guestUser.router()); // /convert/, /accounts/login/, ...
 * app.get("/editor/", guestUser.allowGuestUser(), (req, res) => res.json({ id: req.user?.id }));
 * app.get("/billing/", guestUser.regularUserRequired(), billing);
 * ```
 */
export function guestUserExpress(guestUsers: GuestUsers, options: GuestUserExpressOptions = {}) {
  checkAdapterOptions("guestUserExpress()", options);
  const base = options.http ?? createGuestUserHttp(guestUsers);
  const binding: SessionBinding =
    options.login === "passport"
      ? passportBinding(base)
      : { http: base, setsUser: true, resolve: (req) => base.resolve(httpRequestOf(req)) };
  const { http } = binding;

  const plumbing = requestPlumbing(binding);
  const { publish, fail, stateOf } = plumbing;
  const csrf = csrfHelpers(http, plumbing);

  const guard =
    (check: Guard): RequestHandler =>
    async (req, res, next) => {
      try {
        const state = await stateOf(req, res);
        const location = await check(http, httpRequestOf(req), state);
        publish(req, res, state);
        if (location === null) next();
        else res.redirect(302, location);
      } catch (error) {
        await fail(req, res, next, error);
      }
    };

  const mount =
    (handler: WebHandler): RequestHandler =>
    async (req, res, next) => {
      try {
        const state = await stateOf(req, res);
        const response = await handler(webRequestOf(req), { http, state });
        publish(req, res, state);
        await sendResponse(res, response);
      } catch (error) {
        await fail(req, res, next, error);
      }
    };

  return {
    /** The web layer in use: pass it to the views (`accountViews(guestUser.http)`). */
    http,

    /**
     * Resolves the visitor once per request: `req.guestUser`, `req.user`, `req.isGuest`,
     * `res.locals.user`/`isGuest`, plus any cookie to (re)send. Never creates a guest.
     * @example
     * ```ts
     * app.use(guestUser.session());
     * ```
     */
    session: (): RequestHandler => async (req, res, next) => {
      try {
        await stateOf(req, res);
      } catch (error) {
        return fail(req, res, next, error);
      }
      next();
    },

    /**
     * Anonymous visitors get a guest (unless disabled or a blocked crawler); everyone passes.
     * @example
     * ```ts
     * app.get("/editor/", guestUser.allowGuestUser(), editor);
     * ```
     */
    allowGuestUser: (): RequestHandler => guard(allowGuestUser()),

    /**
     * Only guests: anonymous visitors and registered users are redirected, without `next`.
     * @default options { anonymousUrl: settings.requiredAnonUrl, registeredUrl: settings.requiredUserUrl }
     * @example
     * ```ts
     * app.get("/welcome/", guestUser.guestUserRequired({ registeredUrl: "/dashboard/" }), welcome);
     * ```
     */
    guestUserRequired: (options?: GuestUserRequiredOptions): RequestHandler =>
      guard(guestUserRequired(options)),

    /**
     * Only registered users: anonymous visitors go to the login page, guests to the convert
     * page, each with `?next=<this page>`.
     * @default options { loginUrl: settings.loginUrl, convertUrl: settings.convertUrl, redirectFieldName: "next" }
     * @example
     * ```ts
     * app.get("/billing/", guestUser.regularUserRequired(), billing);
     * ```
     */
    regularUserRequired: (options?: RegularUserRequiredOptions): RequestHandler =>
      guard(regularUserRequired(options)),

    /**
     * Terms of service: a registered user who has not accepted the current `terms.version`
     * goes to the accept page with `?next=<this page>`; guests and anonymous visitors pass
     * (put `regularUserRequired()` first to require a login). Mounted app-wide with
     * `app.use()`, put it after `router()` so the account pages stay reachable.
     * @default options { acceptUrl: "/accounts/terms/", redirectFieldName: "next" }
     * @example
     * ```ts
     * app.get("/dashboard/", guestUser.regularUserRequired(), guestUser.termsRequired(), dashboard);
     * ```
     */
    termsRequired: (options?: TermsRequiredOptions): RequestHandler =>
      guard(termsRequired(options)),

    /**
     * Creates and logs in a guest for an anonymous visitor, from any handler; returns it, or
     * null (already logged in, disabled, blocked crawler).
     * @example
     * ```ts
     * const guest = await guestUser.maybeCreateGuestUser(req, res);
     * ```
     */
    async maybeCreateGuestUser(req: ExpressRequest, res: ExpressResponse): Promise<User | null> {
      const state = await stateOf(req, res);
      const user = await http.maybeCreateGuestUser(httpRequestOf(req), state);
      publish(req, res, state);
      return user;
    },

    /**
     * Makes an anonymous visitor a guest NOW, on any method and in either `createGuests` mode
     * (for handlers that write on GET), when the gate admits it (crawlers, limits, the veto);
     * returns the current user, or null when refused.
     * @example
     * ```ts
     * app.get("/start/", async (req, res) => {
     *   const user = await guestUser.ensureGuest(req, res);
     *   res.json({ id: user?.id ?? null });
     * });
     * ```
     */
    async ensureGuest(req: ExpressRequest, res: ExpressResponse): Promise<User | null> {
      const state = await stateOf(req, res);
      const user = await http.ensureGuest(httpRequestOf(req), state);
      publish(req, res, state);
      return user;
    },

    /**
     * The token for the hidden `csrf_token` field of your own POST forms (tied to this
     * browser and its session; the CSRF cookie it may need goes on `res`). Also sets
     * `res.locals.csrfToken` for templates rendered after it: never computed unless asked.
     * @example
     * ```ts
     * app.get("/api/csrf/", async (req, res) => {
     *   res.json({ csrfToken: await guestUser.csrfToken(req, res) });
     * });
     * ```
     */
    csrfToken: csrf.csrfToken,

    /**
     * The hidden input of your own POST forms, HTML-escaped (and `res.locals.csrfToken`):
     * `<input type="hidden" name="csrf_token" value="...">`. A log-out button posts it to the
     * logout view (default `/accounts/logout/`), which ends the session and redirects (302).
     * @example
     * ```ts
     * app.get("/", guestUser.allowGuestUser(), async (req, res) => {
     *   const field = await guestUser.csrfField(req, res);
     *   res.send(`<form method="post" action="/accounts/logout/">${field}<button>Log out</button></form>`);
     * });
     * ```
     */
    csrfField: csrf.csrfField,

    /**
     * Checks the `csrf_token` your own form posted (answer 403 when false).
     * @example
     * ```ts
     * if (!(await guestUser.verifyCsrf(req, res, req.body.csrf_token))) return res.sendStatus(403);
     * ```
     */
    verifyCsrf: csrf.verifyCsrf,

    /**
     * True when the visitor is a guest. Pass `res` when `session()` is not mounted, so a
     * refreshed cookie is not lost.
     * @example
     * ```ts
     * if (await guestUser.isGuestUser(req)) showSignUpBanner();
     * ```
     */
    async isGuestUser(req: ExpressRequest, res?: ExpressResponse): Promise<boolean> {
      if (req.guestUser) return req.guestUser.isGuest;
      if (res) return (await stateOf(req, res)).isGuest;
      req.guestUser = await binding.resolve(req);
      return req.guestUser.isGuest;
    },

    /**
     * An Express handler running a Web handler (a view, `View.asView()`, `guarded(...)`):
     * Web `Request` in (a body parsed by express.json/urlencoded is re-encoded), status,
     * headers, cookies and body out.
     * @example
     * ```ts
     * app.all("/convert/", guestUser.mount(convertView(guestUser.http)));
     * ```
     */
    mount,

    /**
     * Social login through a Passport strategy (GitHub, Google, OpenID Connect...): call it in
     * the strategy's verify callback (`passReqToCallback: true`) and pass the user it returns
     * to `done(null, user)`. A known identity signs its user in (a current guest is merged
     * into it through `merged`); else the current guest is converted with it (same id), a
     * registered user links it, an anonymous visitor gets a new user. In `login: "passport"`
     * mode Passport then logs the user in; in cookie mode (use `session: false` in
     * `passport.authenticate`) it is logged in here with a new session.
     * @example
     * ```ts
     * passport.use(new GitHubStrategy({ clientID, clientSecret, callbackURL, passReqToCallback: true },
     *   (req, _at, _rt, profile, done) => {
     *     guestUser.socialLogin(req, passportIdentity(profile)).then((user) => done(null, user), done);
     *   }));
     * ```
     */
    socialLogin: socialLoginOf(binding, plumbing),

    /**
     * One middleware answering Web routes by exact path and method (relative to where it is
     * mounted, HEAD by GET); other requests go on to `next()`. No body parser is needed.
     * @default routes accountViews(http): convert, convert success, login, logout, sign-up
     * @example
     * ```ts
     * app.use(guestUser.router());
     * app.use(guestUser.router(accountViews(guestUser.http, { signupPath: "/register/" })));
     * ```
     */
    router: (routes: readonly WebRoute[] = accountViews(http)): RequestHandler =>
      routesMiddleware(routes, mount),
  };
}

/** What {@link guestUserExpress} returns. */
export type GuestUserExpress = ReturnType<typeof guestUserExpress>;
