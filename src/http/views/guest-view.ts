import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { jsonResponse, successAnswer, tooManyRequests } from "./respond.ts";
import { readSubmission } from "./submission.ts";
import { type AccountViewsOptions, createViewKit, defineView } from "./view-kit.ts";

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
  const kit = createViewKit(http, options);
  return defineView(kit, {
    async POST(exchange) {
      await readSubmission(exchange);
      const { state, request } = exchange;
      const { settings } = kit;
      if (state.user) return successAnswer({ ...exchange, json: true }, settings.loginRedirectUrl);
      const user = await http.ensureGuest(request, state);
      if (state.guestRefusal?.reason === "limited") {
        return tooManyRequests({ ...exchange, json: true }, state.guestRefusal.retryAfterSeconds);
      }
      if (!user || !state.token) {
        return jsonResponse(403, {
          error: {
            code: "GUEST_NOT_ALLOWED",
            message: "Guests are disabled, or this client may not create one now.",
          },
          user: null,
        });
      }
      const session = {
        token: state.token,
        expiresAt: settings.clock() + settings.session.maxAge * 1000,
      };
      return successAnswer({ ...exchange, json: true }, settings.loginRedirectUrl, session);
    },
  });
}
