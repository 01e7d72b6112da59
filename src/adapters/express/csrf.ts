import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import { csrfInput } from "../../http/csrf.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { RequestState } from "../../http/request.ts";
import { httpRequestOf } from "./request.ts";

/** How the helpers meet the request: the adapter's `stateOf` and `publish`. */
interface Plumbing {
  stateOf(req: ExpressRequest, res: ExpressResponse): Promise<RequestState>;
  publish(req: ExpressRequest, res: ExpressResponse, state: RequestState): void;
}

/**
 * The CSRF helpers of the Express adapter, for an app's own POST forms (documented where
 * `guestUserExpress()` returns them). Nothing is computed unless one of them is called.
 *
 * @example
 * ```ts
 * const csrf = csrfHelpers(http, requestPlumbing(binding));
 * ```
 */
export function csrfHelpers(http: GuestUserHttp, { stateOf, publish }: Plumbing) {
  const csrfToken = async (req: ExpressRequest, res: ExpressResponse): Promise<string> => {
    const state = await stateOf(req, res);
    const token = http.csrfToken(httpRequestOf(req), state);
    publish(req, res, state);
    res.locals.csrfToken = token;
    return token;
  };
  return {
    csrfToken,
    csrfField: async (req: ExpressRequest, res: ExpressResponse): Promise<string> =>
      csrfInput(await csrfToken(req, res)),
    verifyCsrf: async (
      req: ExpressRequest,
      res: ExpressResponse,
      submitted: unknown,
    ): Promise<boolean> => http.verifyCsrf(httpRequestOf(req), await stateOf(req, res), submitted),
  };
}
