import type { User } from "../../core/model/types.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { userJson } from "../request.ts";
import { nextValue, withNext } from "../safe-next.ts";
import { defineView } from "./define-view.ts";
import { jsonCsrfToken, jsonResponse, pageResponse, redirectAnswer } from "./respond.ts";
import { type AccountViewsOptions, createViewKit, type Exchange } from "./view-kit.ts";

const iso = (millis: number | null) => (millis === null ? null : new Date(millis).toISOString());

/**
 * Anonymous visitors go to `loginUrl` with `?next=<this page>` (JSON: 401 with `redirect` and
 * `message`); null for a signed-in user.
 */
export function loginFirst(
  exchange: Exchange,
  message = "Log in to see your account.",
): Response | null {
  if (exchange.state.user) return null;
  const { loginUrl } = exchange.kit.settings;
  const location = withNext(loginUrl, "next", nextValue(exchange.url, loginUrl));
  return redirectAnswer(exchange, location, { status: 401, code: "NOT_AUTHENTICATED", message });
}

/**
 * The account page, mounted at `profilePath` (default `/accounts/profile/`, the default
 * `loginRedirectUrl`). Shows who is signed in (username, guest or registered, created), a
 * log-out button (POST + CSRF to `logoutPath`); for a guest a "save your account" link to
 * `convertUrl` and the date it expires ("kept until ...", the request state's `expiresAt`); for
 * a registered user a "delete my account" form (password) posting to `deletePath` (without a
 * password: a link to `deletePath`, which asks for a recent sign-in instead). Anonymous
 * visitors go to `loginUrl` with `next`. JSON: `{ user: { id, username, isGuest }, isGuest,
 * createdAt, expiresAt, csrfToken }` (`user` as every other view answers it, with `expiresAt`
 * for a guest; times as ISO strings or null, `expiresAt` null for registered users and guests
 * kept forever; `csrfToken` null for bearer clients).
 *
 * @example
 * ```ts
 * const profile = profileView(http, { profilePath: "/me/" });
 * ```
 */
export function profileView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  const kit = createViewKit(http, options);
  const { settings, templates } = kit;
  return defineView(kit, {
    refuse: loginFirst,
    async GET(exchange) {
      const { request, state } = exchange;
      const user = state.user as User;
      // Read by the session lookup (or set when this request made the guest): no query.
      const expiresAt = user.isGuest ? state.expiresAt : null;
      if (exchange.json) {
        return jsonResponse(200, {
          ...userJson(user, expiresAt),
          isGuest: user.isGuest,
          createdAt: iso(user.createdAt),
          expiresAt: iso(expiresAt),
          csrfToken: jsonCsrfToken(exchange),
        });
      }
      // A registered user's delete form asks for the password it has (one query), else links.
      const status = user.isGuest ? null : await http.guestUsers.signInStatus(state.token);
      const body = templates.profilePage({
        user,
        expiresAt,
        csrfToken: http.csrfToken(request, state),
        links: { logout: kit.logoutPath, convert: settings.convertUrl, delete: kit.deletePath },
        hasPassword: status?.hasPassword ?? false,
      });
      return pageResponse(exchange, 200, "Your account", body);
    },
  });
}
