import type { Request as ExpressRequest, Response as ExpressResponse, NextFunction } from "express";
import type { RequestState } from "../../http/request.ts";
import type { SessionBinding } from "./passport.ts";
import { clientGone, httpRequestOf } from "./request.ts";
import { sendResponse } from "./response.ts";

/**
 * How every middleware of the adapter meets the request: resolve the visitor once per
 * request (`stateOf`), publish it where handlers and templates look (`publish`), and answer a
 * failure (`fail`).
 *
 * @example
 * ```ts
 * const { publish, fail, stateOf } = requestPlumbing(binding);
 * ```
 */
export function requestPlumbing(binding: SessionBinding) {
  const { http } = binding;
  /** Puts the state where handlers and templates look, and moves pending cookies to `res`. */
  const publish = (req: ExpressRequest, res: ExpressResponse, state: RequestState) => {
    if (binding.setsUser) req.user = state.user ?? undefined;
    req.isGuest = state.isGuest;
    res.locals.user = req.user ?? null;
    res.locals.isGuest = state.isGuest;
    for (const cookie of state.setCookies) res.append("Set-Cookie", cookie);
    state.setCookies.length = 0;
  };

  /**
   * A failure's answer: 503 + Retry-After while the database is down (logged once per
   * outage), the status of a body we cannot take (400, 413, 415), nothing for a client that
   * went away, Express's error handling (`next(error)`) for the rest.
   */
  const fail = async (
    req: ExpressRequest,
    res: ExpressResponse,
    next: NextFunction,
    error: unknown,
  ) => {
    if (clientGone(req, res, error)) return;
    const response = http.failure(httpRequestOf(req), error);
    if (response && !res.headersSent) await sendResponse(res, response);
    else next(error);
  };

  const stateOf = async (req: ExpressRequest, res: ExpressResponse): Promise<RequestState> => {
    req.guestUser ??= await binding.resolve(req);
    publish(req, res, req.guestUser);
    return req.guestUser;
  };

  return { publish, fail, stateOf };
}
