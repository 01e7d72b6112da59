import { renderSVG } from "uqr";
import type { User } from "../../core/model/types.ts";
import { LinkExpiredError } from "../../shared/errors.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { defineView } from "./define-view.ts";
import { loginFirst, profilePage } from "./profile-view.ts";
import { jsonResponse, linkExpired, pageResponse, redirect, successAnswer } from "./respond.ts";
import { readSubmission } from "./submission.ts";
import { credentialAttempt } from "./throttle.ts";
import { type AccountViewsOptions, createViewKit, type Exchange } from "./view-kit.ts";

/** The query parameter and form field that carry a continue link's token. */
export const TOKEN_FIELD = "token";

/** The absolute URL of a link: the continue view with `?token=`, on this request's origin. */
function linkUrl(exchange: Exchange, token: string): string {
  const url = new URL(exchange.kit.continuePath, exchange.url);
  url.searchParams.set(TOKEN_FIELD, token);
  return url.href;
}

/** Makes a link for the signed-in user; JSON `{ url, expiresAt }`, HTML the account page with it. */
async function createLink(exchange: Exchange): Promise<Response> {
  const refused = loginFirst(exchange, "Log in to continue on another device.");
  if (refused) return refused;
  const { http } = exchange.kit;
  const user = exchange.state.user as User;
  const link = await http.guestUsers.createContinueLink(user, {
    sessionToken: exchange.state.token,
  });
  const url = linkUrl(exchange, link.token);
  const expiresAt = new Date(link.expiresAt).toISOString();
  if (exchange.json) return jsonResponse(200, { url, expiresAt });
  const svg = renderSVG(url, { ecc: "M", border: 2, pixelSize: 4 });
  return profilePage(exchange, { url, svg, expiresAt: link.expiresAt });
}

/** Uses the link (throttled like a log-in, per link and per address) and signs this device in. */
async function confirm(exchange: Exchange, token: string): Promise<Response> {
  const { http, settings } = exchange.kit;
  const attempt = await credentialAttempt(exchange, `continue-link:${token.split(".")[0]}`);
  if (attempt.refused) return attempt.refused;
  let user: User;
  try {
    user = await http.guestUsers.redeemContinueLink(token);
  } catch (error) {
    if (!(error instanceof LinkExpiredError)) throw error;
    await attempt.failed();
    return linkExpired(exchange);
  }
  await attempt.succeeded();
  // A NEW session for this device (any session it had ends); the first device keeps its own.
  const session = await http.logIn(exchange.request, exchange.state, user);
  return successAnswer(exchange, settings.loginRedirectUrl, session);
}

/**
 * "Continue on another device", mounted at `continuePath` (default `/accounts/continue/`).
 * - POST (+ CSRF) by a signed-in user (guest or registered): makes a one-time link that works
 *   for `continueLinkTtlSeconds` (default 600) and ends with the session that asked for it;
 *   JSON `{ url, expiresAt }`, HTML the account page with the link and its QR code (inline
 *   SVG). Anonymous visitors go to `loginUrl` (JSON 401).
 * - GET `?token=<link>` on the other device: a confirm page (JSON `{ user, expiresAt,
 *   csrfToken }`); POST `token` with that page's CSRF token: the device gets its OWN new
 *   session for the same user (cookie, or `{ token }` for a bearer client) and goes to
 *   `loginRedirectUrl`; the first device stays signed in.
 * A used, expired, ended or unknown link answers 410 Gone (JSON `{ error: { code:
 * "LINK_EXPIRED", message } }`). Confirming is throttled by `loginLimit`, per link and address.
 *
 * @example
 * ```ts
 * const continueOnAnotherDevice = continueView(http, { continuePath: "/me/continue/" });
 * ```
 */
export function continueView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  const kit = createViewKit(http, options);
  return defineView(kit, {
    async GET(exchange) {
      const token = exchange.url.searchParams.get(TOKEN_FIELD);
      if (!token) return redirect(kit.profilePath);
      const info = await http.guestUsers.continueLinkInfo(token);
      if (!info) return linkExpired(exchange);
      const { request, state } = exchange;
      const csrfToken = http.csrfToken(request, state);
      if (exchange.json) {
        const expiresAt = new Date(info.expiresAt).toISOString();
        const { id, username, isGuest } = info.user;
        return jsonResponse(200, { user: { id, username, isGuest }, expiresAt, csrfToken });
      }
      const body = kit.templates.continueConfirm({
        user: info.user,
        expiresAt: info.expiresAt,
        csrfToken,
        token,
        action: kit.continuePath,
        current: state.user,
      });
      // The address holds the token: no Referer takes it elsewhere.
      const headers = { "referrer-policy": "no-referrer" };
      return pageResponse(exchange, 200, "Continue on this device", body, headers);
    },

    async POST(exchange) {
      const submission = await readSubmission(exchange);
      const token = submission.input[TOKEN_FIELD] ?? exchange.url.searchParams.get(TOKEN_FIELD);
      if (typeof token === "string" && token !== "") return confirm(exchange, token);
      return createLink(exchange);
    },
  });
}
