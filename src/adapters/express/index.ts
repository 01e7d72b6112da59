import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  RequestHandler,
} from "express";
import * as v from "valibot";
import type { GuestUsers } from "../../core/guest-users.ts";
import type { User } from "../../core/model/types.ts";
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
import { createGuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler, WebRoute } from "../../http/handler.ts";
import { accountViews } from "../../http/views/index.ts";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { oneOf } from "../../shared/option-values.ts";
import { WEB_LAYER_OPTION } from "../web-layer-option.ts";
import { csrfHelpers } from "./csrf.ts";
import { expressCore } from "./express-core.ts";
import { passportBinding, type SessionBinding } from "./passport.ts";
import { httpRequestOf, webRequestOf } from "./request.ts";
import { sendResponse } from "./response.ts";
import { routesMiddleware } from "./router.ts";
import { socialLoginOf } from "./social-login.ts";
import type { GuestUserExpress, GuestUserExpressOptions } from "./types.ts";

export type { AdapterTypes, GuestUserAdapter } from "../adapter-type.ts";
export {
  type PassportProfile,
  passportIdentity,
} from "./social-login.ts";
export type {
  ExpressAdapterTypes,
  GuestUserExpress,
  GuestUserExpressOptions,
  GuestUserLocals,
} from "./types.ts";

const EXPRESS_OPTIONS = optionBag({
  login: v.optional(oneOf("cookie", "passport"), "cookie"),
  http: WEB_LAYER_OPTION,
} satisfies EntriesOf<GuestUserExpressOptions>);

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
  const { login, http: given } = parseOptions(EXPRESS_OPTIONS, options, "guestUserExpress()");
  const base = given ?? createGuestUserHttp(guestUsers);
  const binding: SessionBinding =
    login === "passport"
      ? passportBinding(base)
      : { http: base, setsUser: true, resolve: (req) => base.resolve(httpRequestOf(req)) };
  const { http } = binding;

  const core = expressCore(binding);
  const { fail } = core;
  const csrf = csrfHelpers(http, core);

  const guard = (check: Guard): RequestHandler => {
    const locate = core.guard(check);
    return async (req, res, next) => {
      try {
        const location = await locate(req);
        if (location === null) next();
        else res.redirect(302, location);
      } catch (error) {
        await fail(req, res, next, error);
      }
    };
  };

  const mount =
    (handler: WebHandler): RequestHandler =>
    async (req, res, next) => {
      try {
        await sendResponse(res, await core.serve(handler, req, webRequestOf));
      } catch (error) {
        await fail(req, res, next, error);
      }
    };
  const maybeCreateGuestUser = core.helper(http.maybeCreateGuestUser);
  const ensureGuest = core.helper(http.ensureGuest);

  return {
    http,

    session: (): RequestHandler => async (req, res, next) => {
      try {
        await core.stateOf(req);
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

    maybeCreateGuestUser: (req: ExpressRequest, _res: ExpressResponse): Promise<User | null> =>
      maybeCreateGuestUser(req),

    ensureGuest: (req: ExpressRequest, _res: ExpressResponse): Promise<User | null> =>
      ensureGuest(req),

    csrfToken: csrf.csrfToken,

    csrfField: csrf.csrfField,

    verifyCsrf: csrf.verifyCsrf,

    async isGuestUser(req: ExpressRequest, res?: ExpressResponse): Promise<boolean> {
      if (req.guestUser) return req.guestUser.isGuest;
      if (res) return (await core.stateOf(req)).isGuest;
      req.guestUser = await binding.resolve(req);
      return req.guestUser.isGuest;
    },

    mount,

    socialLogin: socialLoginOf(binding, core),

    router: (routes: readonly WebRoute[] = accountViews(http)): RequestHandler =>
      routesMiddleware(routes, mount),
  };
}
