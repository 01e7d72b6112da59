import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  NextFunction,
  RequestHandler,
} from "express";
import * as v from "valibot";
import type { GuestUsers } from "../../core/guest-users.ts";
import { adapterCore, CLIENT_GONE } from "../../http/adapter-core.ts";
import { csrfInput } from "../../http/csrf.ts";
import type { Guard } from "../../http/guards.ts";
import { createGuestUserHttp } from "../../http/guest-user-http.ts";
import type { WebHandler } from "../../http/handler.ts";
import { accountViews } from "../../http/views/index.ts";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { oneOf } from "../../shared/option-values.ts";
import { routeTable, sharedMembers, WEB_LAYER_OPTION } from "../shared.ts";
import { passportBinding, type SessionBinding } from "./passport.ts";
import { clientGone, httpRequestOf, webRequestOf } from "./request.ts";
import { sendResponse } from "./response.ts";
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

  // The state is resolved once per request (`req.guestUser`), published where handlers and
  // templates look, with its pending cookies moved to `res` (`req.res`, which Express sets).
  const core = adapterCore<ExpressRequest>(http, {
    view: httpRequestOf,
    stored: (req) => req.guestUser,
    resolve: binding.resolve,
    publish(req, state) {
      const res = req.res as ExpressResponse;
      req.guestUser = state;
      if (binding.setsUser) req.user = state.user ?? undefined;
      req.isGuest = state.isGuest;
      res.locals.user = req.user ?? null;
      res.locals.isGuest = state.isGuest;
      for (const cookie of state.setCookies) res.append("Set-Cookie", cookie);
      state.setCookies.length = 0;
    },
  });

  /** A middleware running `body`; a failure gets the core's answer on `res`, else `next(error)`. */
  const answering =
    (body: (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => Promise<unknown>) =>
    async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
      try {
        await body(req, res, next);
      } catch (error) {
        const answer = core.failure(req, error, clientGone(req, res));
        if (answer === CLIENT_GONE) return;
        if (answer && !res.headersSent) await sendResponse(res, answer);
        else next(error);
      }
    };
  const guard = (check: Guard): RequestHandler => {
    const locate = core.guard(check);
    return answering(async (req, res, next) => {
      const location = await locate(req);
      if (location === null) next();
      else if (typeof location === "string") res.redirect(302, location);
      else await sendResponse(res, location);
    });
  };
  const mount = (handler: WebHandler): RequestHandler =>
    answering(async (req, res) => sendResponse(res, await core.serve(handler, req, webRequestOf)));
  const token = core.helper(http.csrfToken);
  /** Also kept in `res.locals.csrfToken`, for templates. */
  const csrfToken = async (req: ExpressRequest, res: ExpressResponse): Promise<string> => {
    res.locals.csrfToken = await token(req);
    return res.locals.csrfToken;
  };

  return {
    ...sharedMembers(http, guard, core.helper),
    session: () =>
      answering(async (req, _res, next) => {
        await core.stateOf(req);
        next();
      }),
    csrfToken,
    csrfField: async (req, res) => csrfInput(await csrfToken(req, res)),
    verifyCsrf: async (req, _res, submitted) =>
      http.verifyCsrf(httpRequestOf(req), await core.stateOf(req), submitted),
    async isGuestUser(req: ExpressRequest, res?: ExpressResponse): Promise<boolean> {
      if (req.guestUser) return req.guestUser.isGuest;
      if (res) return (await core.stateOf(req)).isGuest;
      req.guestUser = await binding.resolve(req);
      return req.guestUser.isGuest;
    },

    mount,

    async socialLogin(req, identity) {
      if (!req.res)
        throw new TypeError("socialLogin needs an Express request (req.res is missing).");
      return core.helper(async (request, state) => {
        const { user } = await http.guestUsers.connectIdentity(identity, { current: state.user });
        if (binding.setsUser) await http.logIn(request, state, user);
        return user;
      })(req);
    },

    router(routes = accountViews(http)) {
      const table = routeTable(routes, mount);
      return (req, res, next) => {
        const methods = table.get(req.path); // HEAD reaches the GET handler, as in Express
        const handler =
          methods?.get(req.method) ?? (req.method === "HEAD" ? methods?.get("GET") : undefined);
        if (handler) return handler(req, res, next);
        next();
      };
    },
  };
}
