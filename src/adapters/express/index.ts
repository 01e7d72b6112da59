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
import type { GuestUserExpress } from "./types.ts";

export type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
export {
  type PassportProfile,
  passportIdentity,
} from "./social-login.ts";
export type { ExpressAdapterTypes, GuestUserExpress, GuestUserLocals } from "./types.ts";

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
export function guestUserExpress(
  guestUsers: GuestUsers,
  options: GuestUserExpressOptions = {},
): GuestUserExpress {
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
    http,

    session: (): RequestHandler => async (req, res, next) => {
      try {
        await stateOf(req, res);
      } catch (error) {
        return fail(req, res, next, error);
      }
      next();
    },

    allowGuestUser: (): RequestHandler => guard(allowGuestUser()),

    guestUserRequired: (options?: GuestUserRequiredOptions): RequestHandler =>
      guard(guestUserRequired(options)),

    regularUserRequired: (options?: RegularUserRequiredOptions): RequestHandler =>
      guard(regularUserRequired(options)),

    termsRequired: (options?: TermsRequiredOptions): RequestHandler =>
      guard(termsRequired(options)),

    async maybeCreateGuestUser(req: ExpressRequest, res: ExpressResponse): Promise<User | null> {
      const state = await stateOf(req, res);
      const user = await http.maybeCreateGuestUser(httpRequestOf(req), state);
      publish(req, res, state);
      return user;
    },

    async ensureGuest(req: ExpressRequest, res: ExpressResponse): Promise<User | null> {
      const state = await stateOf(req, res);
      const user = await http.ensureGuest(httpRequestOf(req), state);
      publish(req, res, state);
      return user;
    },

    csrfToken: csrf.csrfToken,

    csrfField: csrf.csrfField,

    verifyCsrf: csrf.verifyCsrf,

    async isGuestUser(req: ExpressRequest, res?: ExpressResponse): Promise<boolean> {
      if (req.guestUser) return req.guestUser.isGuest;
      if (res) return (await stateOf(req, res)).isGuest;
      req.guestUser = await binding.resolve(req);
      return req.guestUser.isGuest;
    },

    mount,

    socialLogin: socialLoginOf(binding, plumbing),

    router: (routes: readonly WebRoute[] = accountViews(http)): RequestHandler =>
      routesMiddleware(routes, mount),
  };
}
