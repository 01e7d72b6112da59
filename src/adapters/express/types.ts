import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  RequestHandler,
} from "express";
import type { User as GuestUser, Identity } from "../../core/model/types.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebRoute } from "../../http/handler.ts";
import type { RequestState } from "../../http/request.ts";
import type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";

/** Options of `guestUserExpress()`. */
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
 * What the adapter puts in `res.locals` for templates.
 *
 * @example
 * ```ts
 * app.get("/", guestUser.allowGuestUser(), (req, res) => res.render("home")); // user, isGuest
 * ```
 */
export interface GuestUserLocals {
  /** The current user, `null` for an anonymous visitor. @default undefined until resolved */
  user?: Express.User | null;
  /** True when the current user is a guest. @default undefined until resolved */
  isGuest?: boolean;
  /**
   * The CSRF token for your own forms, set once `guestUser.csrfToken(req, res)` or
   * `guestUser.csrfField(req, res)` ran in this request (never computed unless asked).
   * @default undefined until one of them ran
   * @example
   * ```ts
   * app.get("/", async (req, res) => { await guestUser.csrfToken(req, res); res.render("home"); });
   * // home.ejs: <input type="hidden" name="csrf_token" value="<%= csrfToken %>">
   * ```
   */
  csrfToken?: string;
}

/**
 * What the adapter adds to Express's `req` and `res.locals` (declaration merging: importing
 * `guest-user/express` is enough). `req.user` has the same declaration as `@types/passport`'s,
 * so both packages can be used together.
 *
 * @example
 * ```ts
 * app.get("/", guestUser.allowGuestUser(), (req, res) => {
 *   res.send(req.isGuest ? `Hi guest ${req.user?.username}` : "Hi");
 * });
 * ```
 */
declare global {
  namespace Express {
    /** The current user: ours (cookie mode), or what Passport's `deserializeUser` gave. */
    interface User extends GuestUser {}

    interface Request {
      /** Who is asking, as resolved once per request by the adapter. @default undefined until resolved */
      guestUser?: RequestState;
      /** The current user, `undefined` for an anonymous visitor. */
      user?: User | undefined;
      /** True when the current user is a guest. @default undefined until resolved */
      isGuest?: boolean;
    }

    interface Locals extends GuestUserLocals {}
  }
}

/** The Express shapes of {@link GuestUserAdapter}'s members. */
export interface ExpressAdapterTypes extends AdapterTypes {
  readonly session: RequestHandler;
  readonly guardArgs: [];
  readonly guard: RequestHandler;
  readonly on: [req: ExpressRequest, res: ExpressResponse];
  readonly verifyOn: [req: ExpressRequest, res: ExpressResponse];
  /** Pass `res` when `session()` is not mounted, so that a refreshed cookie is not lost. */
  readonly isGuestArgs: [req: ExpressRequest, res?: ExpressResponse];
  readonly isGuestResult: Promise<boolean>;
  readonly mounted: RequestHandler;
  readonly routes: RequestHandler;
}

/**
 * The Express adapter (4 and 5; see {@link GuestUserAdapter}, and {@link GuestUserLocals} for
 * templates): `mount()` re-encodes a body that express.json/urlencoded already parsed. Its
 * routes middleware is `router()`, and it adds `socialLogin`.
 *
 * @example
 * ```ts
 * app.use(guestUser.session());
 * app.use(guestUser.router()); // /convert/, /accounts/login/, ...
 * app.get("/editor/", guestUser.allowGuestUser(), (req, res) => res.json({ id: req.user?.id }));
 * ```
 */
export interface GuestUserExpress extends Omit<GuestUserAdapter<ExpressAdapterTypes>, "routes"> {
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
  socialLogin(req: ExpressRequest, identity: Identity): Promise<GuestUser>;
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
  router(routes?: readonly WebRoute[]): RequestHandler;
}
