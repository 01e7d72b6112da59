import type { User } from "../../core/model/types.ts";
import type { FieldErrors } from "../../shared/errors.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { userJson } from "../request.ts";
import { nextValue, withNext } from "../safe-next.ts";
import { signInRoutesFor } from "../sign-in-routes.ts";
import type { ContinueLinkView } from "./continue-templates.ts";
import { defineView } from "./define-view.ts";
import { type SignInAgain, signInAgainMessage } from "./profile-templates.ts";
import {
  jsonCsrfToken,
  jsonResponse,
  pageResponse,
  redirectAnswer,
  successAnswer,
} from "./respond.ts";
import { nextOf, readSubmission } from "./submission.ts";
import { credentialAttempt } from "./throttle.ts";
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
  return defineView(kit, {
    refuse: loginFirst,
    GET: (exchange) => profilePage(exchange, null),
  });
}

/**
 * The account page for the signed-in user (see {@link profileView}), with `continueLink` (a
 * link just made at `continuePath`, and its QR code) when given.
 */
export async function profilePage(
  exchange: Exchange,
  continueLink: ContinueLinkView | null,
): Promise<Response> {
  const { request, state, kit } = exchange;
  const { http, settings, templates } = kit;
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
    links: {
      logout: kit.logoutPath,
      convert: settings.convertUrl,
      delete: kit.deletePath,
      export: kit.exportPath,
      continue: kit.continuePath,
    },
    hasPassword: status?.hasPassword ?? false,
    continueLink,
  });
  return pageResponse(exchange, 200, "Your account", body);
}

/**
 * What a user must show to delete the account at `deletePath`:
 * - `confirm`: the button alone (with CSRF): a guest, or an account without a password
 *   signed in within `recentSignInSeconds`;
 * - `password`: the current password (an account that has one);
 * - `signInAgain`: nothing deletes it now: an account without a password whose sign-in is
 *   older (or whose session just ended) signs in again first.
 */
type DeletionProof =
  | { readonly kind: "confirm" }
  | { readonly kind: "password" }
  | { readonly kind: "signInAgain"; readonly signInAgain: SignInAgain };

/**
 * Decides the {@link DeletionProof} for the signed-in `user`: no query for a guest; else ONE
 * (`signInStatus`: has it a password, when did this session begin), and for a sign-in too old
 * one more for its identities, to link the sign-in of each provider `oauthViews()` mounted
 * (coming back to this page).
 */
async function deletionProof(exchange: Exchange, user: User): Promise<DeletionProof> {
  if (user.isGuest) return { kind: "confirm" };
  const { kit, state } = exchange;
  const { guestUsers } = kit.http;
  const status = await guestUsers.signInStatus(state.token);
  if (status?.userId === user.id) {
    if (status.hasPassword) return { kind: "password" };
    const age = guestUsers.settings.clock() - status.signedInAt;
    if (age <= kit.recentSignInSeconds * 1000) return { kind: "confirm" };
  }
  const providers = (await guestUsers.identitiesOf(user)).map((identity) => identity.provider);
  const links = signInRoutesFor(guestUsers, providers).map((route) => ({
    provider: route.provider,
    label: route.label,
    url: withNext(route.startPath, "next", kit.deletePath),
  }));
  const withinMinutes = Math.ceil(kit.recentSignInSeconds / 60);
  return { kind: "signInAgain", signInAgain: { withinMinutes, links } };
}

/**
 * The confirmation page (GET) or, after a refused POST, the page again with its errors (403
 * when `refused`: the POST could not delete, see {@link deleteView}).
 */
function confirmation(
  exchange: Exchange,
  user: User,
  proof: DeletionProof,
  next: string | null,
  errors: FieldErrors = {},
  refused = false,
): Response {
  const { kit, request, state } = exchange;
  const signInAgain = proof.kind === "signInAgain" ? proof.signInAgain : null;
  const status = refused ? 403 : Object.keys(errors).length > 0 ? 400 : 200;
  const needsPassword = proof.kind === "password";
  if (exchange.json) {
    const again = signInAgain && { ...signInAgain, message: signInAgainMessage(signInAgain) };
    if (refused && again) {
      const error = { code: "REAUTHENTICATION_REQUIRED", message: again.message };
      return jsonResponse(403, { error, signInAgain: again });
    }
    if (status === 400) return jsonResponse(400, { errors });
    const fields = needsPassword
      ? [{ name: "password", label: "Your password", type: "password" }]
      : [];
    return jsonResponse(200, {
      ...userJson(user, state.expiresAt),
      csrfToken: jsonCsrfToken(exchange),
      fields,
      signInAgain: again,
    });
  }
  const body = kit.templates.deleteConfirm({
    user,
    needsPassword,
    signInAgain,
    errors,
    csrfToken: kit.http.csrfToken(request, state),
    next,
    action: exchange.url.pathname,
    cancelUrl: kit.profilePath,
  });
  return pageResponse(exchange, status, "Delete your account", body);
}

/**
 * Self-service deletion, mounted at `deletePath` (default `/accounts/delete/`). GET shows the
 * confirmation page (JSON: `{ user, csrfToken, fields, signInAgain }`). POST (+ CSRF) deletes the signed-in
 * user with `guestUsers.deleteUser(user, { by: "self" })`: the `beforeDelete` option runs,
 * every row with ON DELETE CASCADE goes, `deleted` fires; then the session ends, the cookie
 * is cleared, and the visitor goes to the safe `next` or `/` (JSON: 200
 * `{ deleted: true, user: null, redirect }`). A guest needs no password (it has none); a
 * registered user confirms with the current password, checked like a login (constant time,
 * counted against `loginLimit`): a wrong one answers 400 with a `password` error and deletes
 * nothing. An account without a password (made through a social identity) confirms with the
 * button alone when its session began within `recentSignInSeconds` (10 minutes); past that
 * the page asks it to sign in again, linking its provider's sign-in when `oauthViews()` are
 * mounted (coming back here), and a POST answers 403 `REAUTHENTICATION_REQUIRED` (JSON:
 * `{ error, signInAgain: { withinMinutes, links, message } }`), deleting nothing. Anonymous
 * visitors go to `loginUrl` with `next`.
 *
 * @example
 * ```ts
 * const remove = deleteView(http);
 * // <form method="post" action="/accounts/delete/"><input type="hidden" name="csrf_token" value="...">
 * //   <input type="password" name="password"><button>Delete my account</button></form>
 * ```
 */
export function deleteView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  return defineView(createViewKit(http, options), {
    refuse: loginFirst,
    async GET(exchange) {
      const user = exchange.state.user as User;
      return confirmation(exchange, user, await deletionProof(exchange, user), nextOf(exchange));
    },

    async POST(exchange) {
      const submission = await readSubmission(exchange);
      const user = exchange.state.user as User;
      const proof = await deletionProof(exchange, user);
      if (proof.kind === "signInAgain") return confirmation(exchange, user, proof, null, {}, true);
      if (proof.kind === "password") {
        const attempt = await credentialAttempt(exchange, user.username);
        if (attempt.refused) return attempt.refused;
        const { password } = submission.input;
        const confirmed =
          typeof password === "string" && password !== ""
            ? await http.guestUsers.authenticate({ username: user.username, password })
            : null;
        if (confirmed?.id !== user.id) {
          await attempt.failed();
          const password = ["Your password was not correct. Nothing was deleted."];
          return confirmation(exchange, user, proof, submission.next, { password });
        }
        await attempt.succeeded();
      }
      const deleted = await http.guestUsers.deleteUser(user, { by: "self" });
      await http.logOut(exchange.request, exchange.state);
      const location = submission.next ?? "/";
      if (exchange.json) return jsonResponse(200, { deleted, user: null, redirect: location });
      return successAnswer(exchange, location);
    },
  });
}
