import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import { csrfInput } from "../../http/csrf.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import type { ExpressCore } from "./express-core.ts";
import { httpRequestOf } from "./request.ts";

/**
 * The CSRF helpers of the Express adapter, for an app's own POST forms (documented where
 * `guestUserExpress()` returns them). Nothing is computed unless one of them is called.
 *
 * @example
 * ```ts
 * const csrf = csrfHelpers(http, expressCore(binding));
 * ```
 */
export function csrfHelpers(http: GuestUserHttp, core: ExpressCore) {
  const token = core.helper(http.csrfToken);
  const csrfToken = async (req: ExpressRequest, res: ExpressResponse): Promise<string> => {
    res.locals.csrfToken = await token(req);
    return res.locals.csrfToken;
  };
  return {
    csrfToken,
    csrfField: async (req: ExpressRequest, res: ExpressResponse): Promise<string> =>
      csrfInput(await csrfToken(req, res)),
    verifyCsrf: async (
      req: ExpressRequest,
      _res: ExpressResponse,
      submitted: unknown,
    ): Promise<boolean> => http.verifyCsrf(httpRequestOf(req), await core.stateOf(req), submitted),
  };
}
