import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from "express";
import { adapterCore, CLIENT_GONE } from "../../http/adapter-core.ts";
import type { RequestState } from "../../http/request.ts";
import type { SessionBinding } from "./passport.ts";
import { clientGone, httpRequestOf } from "./request.ts";
import { sendResponse } from "./response.ts";

/**
 * The {@link adapterCore} on Express requests: the state resolved once per request
 * (`req.guestUser`), published where handlers and templates look (`req.user`, `req.isGuest`,
 * `res.locals`) with its pending cookies moved to `res` (`req.res`, which Express sets).
 */
export function expressCore(binding: SessionBinding) {
  const publish = (req: ExpressRequest, state: RequestState) => {
    const res = req.res as ExpressResponse;
    req.guestUser = state;
    if (binding.setsUser) req.user = state.user ?? undefined;
    req.isGuest = state.isGuest;
    res.locals.user = req.user ?? null;
    res.locals.isGuest = state.isGuest;
    for (const cookie of state.setCookies) res.append("Set-Cookie", cookie);
    state.setCookies.length = 0;
  };
  const core = adapterCore<ExpressRequest>(binding.http, {
    view: httpRequestOf,
    stored: (req) => req.guestUser,
    resolve: binding.resolve,
    publish,
  });
  return {
    ...core,
    /** Sends the core's answer to a failure (`failureAnswer`) through `res`, else `next(error)`. */
    async fail(req: ExpressRequest, res: ExpressResponse, next: NextFunction, error: unknown) {
      const answer = core.failure(req, error, clientGone(req, res));
      if (answer === CLIENT_GONE) return;
      if (answer && !res.headersSent) await sendResponse(res, answer);
      else next(error);
    },
  };
}
