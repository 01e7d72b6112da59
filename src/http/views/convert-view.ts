import type { User } from "../../core/model/types.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { userJson } from "../request.ts";
import { withNext } from "../safe-next.ts";
import { defineView } from "./define-view.ts";
import { jsonResponse, pageResponse, redirectAnswer } from "./respond.ts";
import { formView, NEXT_FIELD, nextOf } from "./submission.ts";
import { termsOfSubmission } from "./terms-view.ts";
import { type AccountViewsOptions, createViewKit, type Exchange } from "./view-kit.ts";

/** Sends anonymous visitors to the login page and registered users on; null for a guest. */
function onlyGuests(exchange: Exchange): Response | null {
  const { settings } = exchange.kit;
  const { user, isGuest } = exchange.state;
  if (!user) {
    return redirectAnswer(exchange, settings.loginUrl, {
      status: 401,
      code: "NOT_AUTHENTICATED",
      message: "Only guests can convert: log in or open a page that creates a guest first.",
    });
  }
  if (!isGuest) {
    return redirectAnswer(exchange, settings.loginRedirectUrl, {
      status: 403,
      code: "ALREADY_REGISTERED",
      message: "This account is already registered.",
    });
  }
  return null;
}

/**
 * The convert view (the reference's `convert_view`), mounted at `settings.convertUrl`.
 * Anonymous visitors go to `loginUrl`, registered users to `loginRedirectUrl` (JSON: 401/403
 * with `redirect`). A guest GETs the form (the username pre-filled only with
 * `convertPrefillUsername`); a valid POST converts the SAME user row, logs it in with a fresh
 * session and redirects to the safe `next` (POST field, else query) or
 * `convertRedirectUrl`. With the `terms` option the form has an "I accept the terms of
 * service" box: a POST without `accept_terms` (`"on"`, `"true"` or `true`) is invalid, and
 * the acceptance is stored in the conversion's transaction. An invalid POST shows the form
 * with its errors (JSON: 400 `{ errors }`) and changes nothing; it counts as a failed login
 * of that username (`loginLimit`: past it 429 with `Retry-After`).
 *
 * @example
 * ```ts
 * const convert = convertView(http);
 * const response = await convert(request, { http, state: await http.resolve(request) });
 * ```
 */
export function convertView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  return formView(http, options, (settings) => ({
    refuse: onlyGuests,
    template: "convertForm",
    title: "Save your account",
    fields: settings.convertForm.fields,
    values: ({ state }) =>
      settings.convertPrefillUsername ? { username: (state.user as User).username } : undefined,
    // NOT_GUEST (a concurrent request converted first) is not a ValidationError: it reaches
    // the error mapping, which redirects.
    act: async (submitted, { state }) => {
      const { input, acceptTerms } = await termsOfSubmission(settings, submitted);
      return http.guestUsers.convert(state.user as User, input, { acceptTerms });
    },
    defaultNext: settings.convertRedirectUrl,
    throttle: "login",
  }));
}

/**
 * The page a converted user lands on (the reference's convert-success view), mounted at
 * `settings.convertRedirectUrl`: it shows the now registered user (JSON: `{ user }`).
 * Anonymous visitors go to `loginUrl`; a guest, who has not converted yet, to `convertUrl`.
 *
 * @example
 * ```ts
 * const success = convertSuccessView(http);
 * ```
 */
export function convertSuccessView(
  http: GuestUserHttp,
  options: AccountViewsOptions = {},
): WebHandler {
  const kit = createViewKit(http, options);
  const { settings, templates } = kit;
  return defineView(kit, {
    async GET(exchange) {
      const { user, isGuest } = exchange.state;
      if (!user) {
        return redirectAnswer(exchange, settings.loginUrl, {
          status: 401,
          code: "NOT_AUTHENTICATED",
          message: "Log in first.",
        });
      }
      if (isGuest) {
        return redirectAnswer(exchange, settings.convertUrl, {
          status: 403,
          code: "CONVERT_REQUIRED",
          message: "This guest account is not saved yet.",
        });
      }
      if (exchange.json) return jsonResponse(200, userJson(user));
      const body = templates.convertSuccess({ user, continueUrl: settings.loginRedirectUrl });
      return pageResponse(exchange, 200, "Your account is saved", body);
    },
  });
}

/**
 * Registered users go to `loginRedirectUrl`; guests to `convertUrl` (keeping `next`), since
 * a guest signing up means converting, which keeps their data. Null for anonymous visitors.
 */
function onlyAnonymous(exchange: Exchange): Response | null {
  const { settings } = exchange.kit;
  const { user, isGuest } = exchange.state;
  if (!user) return null;
  if (isGuest) {
    const next = nextOf(exchange);
    const location = next ? withNext(settings.convertUrl, NEXT_FIELD, next) : settings.convertUrl;
    return redirectAnswer(exchange, location, {
      status: 403,
      code: "CONVERT_REQUIRED",
      message: "Guests sign up by converting their guest account, which keeps their data.",
    });
  }
  return redirectAnswer(exchange, settings.loginRedirectUrl, {
    status: 403,
    code: "ALREADY_REGISTERED",
    message: "You already have an account.",
  });
}

/**
 * The sign-up view, mounted at `signupPath` (default `/accounts/signup/`), for visitors who
 * never were guests. GET shows the form of the convert form's fields; POST creates the user
 * with `guestUsers.createUser` (same rules as converting), logs it in and redirects to the
 * safe `next` or `loginRedirectUrl`. The terms box and invalid input as in `convertView()`.
 * Guests are sent to the convert view, registered users to `loginRedirectUrl`. Every POST
 * counts against the address's sign-up limit (`loginLimit.max` × 5 per window; past it 429
 * with `Retry-After`), and failures as in the login view.
 *
 * @example
 * ```ts
 * const signup = signupView(http, { signupPath: "/register/" });
 * ```
 */
export function signupView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  return formView(http, options, (settings) => ({
    refuse: onlyAnonymous,
    template: "signupForm",
    title: "Sign up",
    fields: settings.convertForm.fields,
    act: async (submitted) => {
      const { input, acceptTerms } = await termsOfSubmission(settings, submitted);
      return http.guestUsers.createUser(input, { acceptTerms });
    },
    defaultNext: settings.loginRedirectUrl,
    throttle: "signup",
  }));
}
