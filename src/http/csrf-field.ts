import { csrfInput } from "./csrf.ts";
import type { GuestUserHttp } from "./guest-user-http.ts";
import type { HttpRequest, RequestState } from "./request.ts";

/**
 * The hidden `csrf_token` input of your own POST forms, for framework-free code on Web
 * requests (the adapters have `guestUser.csrfField(...)`). The token is tied to this browser
 * and its current session; when the browser has no CSRF cookie yet, one is queued in
 * `state.setCookies`: the adapters' `mount()` and `guarded()` send it with the page (else use
 * `withCookies(response, state)`). The views (logout, convert...) and `http.verifyCsrf` accept it.
 *
 * @example
 * ```ts
 * const page: WebHandler = async (request, { http, state }) =>
 *   new Response(
 *     `<form method="post" action="/accounts/logout/">${csrfField(http, request, state)}<button>Log out</button></form>`,
 *     { headers: { "content-type": "text/html; charset=utf-8" } },
 *   );
 * ```
 */
export function csrfField(
  http: Pick<GuestUserHttp, "csrfToken">,
  request: HttpRequest,
  state: RequestState,
): string {
  return csrfInput(http.csrfToken(request, state));
}
