import { NotGuestError, ValidationError } from "../../shared/errors.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { defineView } from "./define-view.ts";
import { successAnswer } from "./respond.ts";
import { formView, readSubmission } from "./submission.ts";
import { type AccountViewsOptions, createViewKit } from "./view-kit.ts";

/** The message for a wrong username or password (never says which). */
export const INVALID_LOGIN = "Please enter a correct username and password.";

const REQUIRED = "This field is required.";

/**
 * The login view, mounted at `settings.loginUrl`. GET shows the form (to anyone: a signed-in
 * visitor may switch accounts). POST checks `username` (trimmed and NFKC-normalized, as at
 * sign-up) and `password` with `guestUsers.authenticate`, logs the user in with a NEW session
 * and redirects to the safe `next` or `loginRedirectUrl`. Wrong credentials: the form again
 * with the `INVALID_LOGIN` message (JSON: 400 `{ errors: { "": [...] } }`), nothing changed. A
 * username no database can look up (a NUL character, a lone surrogate) answers 400
 * `INVALID_INPUT` (the form with the error; JSON `{ error: { code, message }, errors }`).
 * Throttled by `loginLimit`: after `max` failures of one username from one address (or
 * `max` × 5 from the address), 429 with `Retry-After` until the window ends, even for the right
 * password; a successful login clears that username's count.
 *
 * @example
 * ```ts
 * const login = loginView(http);
 * ```
 */
export function loginView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  return formView(http, options, (settings) => ({
    refuse: () => null,
    template: "loginForm",
    title: "Log in",
    fields: [
      { name: "username", label: "Username", autocomplete: "username" },
      { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
    ],
    async act({ username: raw, password }) {
      // As Django's AuthenticationForm (and our sign-up form): the name is trimmed and NFKC-normalized.
      const username = typeof raw === "string" ? raw.trim().normalize("NFKC") : "";
      const errors: Record<string, string[]> = {};
      if (username === "") errors.username = [REQUIRED];
      if (typeof password !== "string" || password === "") errors.password = [REQUIRED];
      if (Object.keys(errors).length > 0 || typeof password !== "string")
        throw new ValidationError(errors);
      // A username no database can look up (a NUL character...) throws INVALID_INPUT: 400, nothing queried.
      const user = await http.guestUsers.authenticate({ username, password });
      if (!user) throw new ValidationError({ "": [INVALID_LOGIN] });
      return user;
    },
    // A guest logging in to an existing account: with `merged` listeners, the guest's rows
    // move to the account and the guest is deleted, in one transaction; without, the guest
    // simply stays behind and expires.
    async succeeded(user, { state }) {
      if (!state.user || !state.isGuest) return;
      try {
        await http.guestUsers.mergeGuest(state.user, user);
      } catch (error) {
        // Deleted by a clean-up, converted or merged by a parallel request: nothing to merge.
        if (!(error instanceof NotGuestError)) throw error;
      }
    },
    defaultNext: settings.loginRedirectUrl,
    throttle: "login",
  }));
}

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
