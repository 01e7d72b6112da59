import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { withNext } from "../safe-next.ts";
import { redirectAnswer } from "./respond.ts";
import { formView, NEXT_FIELD, nextOf } from "./submission.ts";
import { termsOfSubmission } from "./terms-view.ts";
import type { AccountViewsOptions, Exchange } from "./view-kit.ts";

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
