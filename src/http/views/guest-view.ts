import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { defineView } from "./define-view.ts";
import { jsonResponse, successAnswer, tooManyRequests } from "./respond.ts";
import { readSubmission } from "./submission.ts";
import { type AccountViewsOptions, createViewKit } from "./view-kit.ts";

/**
 * The guest endpoint for API clients (SPA, mobile), mounted at `guestPath` (default
 * `/accounts/guest/`): `POST` with JSON makes an anonymous caller a guest, as `allowGuestUser`
 * does for pages. With `X-Session-Transport: bearer` the answer carries `{ token, expiresAt }`
 * for the `Authorization: Bearer` header and no cookie; otherwise the cookie is set (a
 * same-origin request is required then). A caller who already has a session gets its user
 * back. `guestCreationLimit` answers 429 `TOO_MANY_REQUESTS` with `Retry-After`; a crawler,
 * `enabled: false` or the `beforeGuestCreated` veto answer 403 `GUEST_NOT_ALLOWED`. It creates
 * the guest in either `createGuests` mode (a POST is a write).
 *
 * @example
 * ```ts
 * const res = await fetch("/accounts/guest/", {
 *   method: "POST",
 *   headers: { "content-type": "application/json", "x-session-transport": "bearer" },
 *   body: "{}",
 * });
 * const { user, token } = await res.json();
 * ```
 */
export function guestView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  return defineView(createViewKit(http, options), {
    async POST(exchange) {
      await readSubmission(exchange);
      const api = { ...exchange, json: true }; // JSON, whatever the client accepts
      const { state } = exchange;
      const { settings } = exchange.kit;
      if (state.user) return successAnswer(api, settings.loginRedirectUrl);
      const user = await http.ensureGuest(exchange.request, state);
      const refusal = state.guestRefusal;
      if (refusal?.reason === "limited") return tooManyRequests(api, refusal.retryAfterSeconds);
      if (!user || !state.token) {
        const message = "Guests are disabled, or this client may not create one now.";
        return jsonResponse(403, { error: { code: "GUEST_NOT_ALLOWED", message }, user: null });
      }
      const expiresAt = settings.clock() + settings.session.maxAge * 1000;
      return successAnswer(api, settings.loginRedirectUrl, { token: state.token, expiresAt });
    },
  });
}
