import type { FormField, User } from "../../core/model/types.ts";
import { InvalidInputError } from "../../shared/errors.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { defineView } from "./define-view.ts";
import { echoValues, successAnswer } from "./respond.ts";
import { formPage, nextOf, readSubmission, refusedForm } from "./submission.ts";
import { credentialAttempt } from "./throttle.ts";
import { type AccountViewsOptions, createViewKit } from "./view-kit.ts";

/** The inputs of the login form. */
export const LOGIN_FIELDS: readonly FormField[] = [
  { name: "username", label: "Username", autocomplete: "username" },
  { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
];

/** The message for a wrong username or password (never says which). */
export const INVALID_LOGIN = "Please enter a correct username and password.";

const REQUIRED = "This field is required.";
const TITLE = "Log in";

/**
 * The login view, mounted at `settings.loginUrl`. GET shows the form (to anyone: a signed-in
 * visitor may switch accounts). POST checks `username` (trimmed and NFKC-normalized, as at
 * sign-up) and `password` with `guestUsers.authenticate`, logs the user in with a NEW session
 * and redirects to the safe `next` or `loginRedirectUrl`. Wrong credentials: the form again
 * with {@link INVALID_LOGIN} (JSON: 400 `{ errors: { "": [...] } }`), nothing changed. A
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
  const kit = createViewKit(http, options);
  const form = formPage("loginForm", TITLE, LOGIN_FIELDS);
  return defineView(kit, {
    GET: async (exchange) => form(exchange, nextOf(exchange)),

    async POST(exchange) {
      const submission = await readSubmission(exchange);
      const { username: raw, password } = submission.input;
      const attempt = await credentialAttempt(exchange, raw);
      if (attempt.refused) return attempt.refused;
      // As Django's AuthenticationForm (and our sign-up form): the name is trimmed and NFKC-normalized.
      const username = typeof raw === "string" ? raw.trim().normalize("NFKC") : "";
      const errors: Record<string, string[]> = {};
      if (username === "") errors.username = [REQUIRED];
      if (typeof password !== "string" || password === "") errors.password = [REQUIRED];
      let user: User | null = null;
      try {
        if (Object.keys(errors).length === 0 && typeof password === "string")
          user = await http.guestUsers.authenticate({ username, password });
      } catch (error) {
        // A username no database can look up (a NUL character...): 400, nothing queried.
        if (!(error instanceof InvalidInputError)) throw error;
        await attempt.failed();
        return form(exchange, submission.next, refusedForm(error, LOGIN_FIELDS, submission.fields));
      }
      if (!user) {
        await attempt.failed();
        return form(exchange, submission.next, {
          values: echoValues(LOGIN_FIELDS, submission.fields),
          errors: Object.keys(errors).length > 0 ? errors : { "": [INVALID_LOGIN] },
        });
      }
      // A guest logging in to an existing account: with `merged` listeners, the guest's rows
      // move to the account and the guest is deleted, in one transaction; without, the guest
      // simply stays behind and expires.
      await attempt.succeeded();
      const { state } = exchange;
      if (state.user && state.isGuest) await http.guestUsers.mergeGuest(state.user, user);
      const session = await http.logIn(exchange.request, state, user);
      return successAnswer(exchange, submission.next ?? kit.settings.loginRedirectUrl, session);
    },
  });
}
