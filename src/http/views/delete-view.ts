import type { User } from "../../core/model/types.ts";
import type { FieldErrors } from "../../shared/errors.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { userJson } from "../request.ts";
import { defineView } from "./define-view.ts";
import { type DeletionProof, deletionProof } from "./deletion-proof.ts";
import { signInAgainMessage } from "./profile-templates.ts";
import { loginFirst } from "./profile-view.ts";
import { jsonCsrfToken, jsonResponse, pageResponse, successAnswer } from "./respond.ts";
import { nextOf, readSubmission } from "./submission.ts";
import { credentialAttempt } from "./throttle.ts";
import { type AccountViewsOptions, createViewKit, type Exchange } from "./view-kit.ts";

const TITLE = "Delete your account";

/** The message for a missing or wrong password on the delete form. */
export const WRONG_PASSWORD = "Your password was not correct. Nothing was deleted.";

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
  return pageResponse(exchange, status, TITLE, body);
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
    async GET(exchange) {
      const refused = loginFirst(exchange);
      if (refused) return refused;
      const user = exchange.state.user as User;
      return confirmation(exchange, user, await deletionProof(exchange, user), nextOf(exchange));
    },

    async POST(exchange) {
      const refused = loginFirst(exchange);
      if (refused) return refused;
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
          return confirmation(exchange, user, proof, submission.next, {
            password: [WRONG_PASSWORD],
          });
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
