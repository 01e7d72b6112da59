import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { defineView } from "./define-view.ts";
import { successAnswer } from "./respond.ts";
import { readSubmission } from "./submission.ts";
import { type AccountViewsOptions, createViewKit } from "./view-kit.ts";

/**
 * The logout view, mounted at `logoutPath` (default `/accounts/logout/`). POST only, with a
 * CSRF proof (a logout link could otherwise be forged); GET answers 405 with `Allow: POST`.
 * Ends the current session, clears the cookie and redirects to the safe `next` or `loginUrl`
 * (JSON: 200 `{ user: null, redirect }`). A guest who logs out leaves the guest account
 * behind; it is deleted when it expires.
 *
 * @example
 * ```ts
 * const logout = logoutView(http);
 * // <form method="post" action="/accounts/logout/"><input type="hidden" name="csrf_token" value="..."></form>
 * ```
 */
export function logoutView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  return defineView(createViewKit(http, options), {
    async POST(exchange) {
      const submission = await readSubmission(exchange);
      await http.logOut(exchange.request, exchange.state);
      return successAnswer(exchange, submission.next ?? exchange.kit.settings.loginUrl);
    },
  });
}
