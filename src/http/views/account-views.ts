import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebRoute } from "../handler.ts";
import { convertSuccessView, convertView } from "./convert-view.ts";
import { deleteView } from "./delete-view.ts";
import { guestView } from "./guest-view.ts";
import { loginView } from "./login-view.ts";
import { logoutView } from "./logout-view.ts";
import { profileView } from "./profile-view.ts";
import { signupView } from "./signup-view.ts";
import { termsView } from "./terms-view.ts";
import { type AccountViewsOptions, createViewKit, pathOf } from "./view-kit.ts";

/**
 * The built-in account pages as routes for any adapter: convert (`settings.convertUrl`),
 * convert success (`settings.convertRedirectUrl`), login (`settings.loginUrl`), logout and
 * sign-up (`logoutPath`, `signupPath`), the account page and self-service deletion
 * (`profilePath`, `deletePath`), and the JSON guest endpoint for API clients (`guestPath`). Each answers HTML, or JSON when the client prefers
 * it or posts JSON. With the `terms` option, the accept page (`termsPath`) too. Routes of configured absolute URLs mount at their path. Drop a route
 * you do not want with `.filter()`.
 *
 * @example
 * ```ts
 * const http = createGuestUserHttp(createGuestUsers({ secret: process.env.GUEST_USER_SECRET }));
 * for (const route of accountViews(http, { signupPath: "/register/" })) {
 *   app.on(route.methods, route.path, (request, state) => route.handler(request, { http, state }));
 * }
 * ```
 */
export function accountViews(
  http: GuestUserHttp,
  options: AccountViewsOptions = {},
): readonly WebRoute[] {
  const kit = createViewKit(http, options); // checks the options once, up front
  const { settings } = kit;
  return [
    {
      methods: ["GET", "POST"],
      path: pathOf(settings.convertUrl),
      handler: convertView(http, options),
    },
    {
      methods: ["GET"],
      path: pathOf(settings.convertRedirectUrl),
      handler: convertSuccessView(http, options),
    },
    {
      methods: ["GET", "POST"],
      path: pathOf(settings.loginUrl),
      handler: loginView(http, options),
    },
    // GET is routed too, so that it gets a clear 405 with `Allow: POST`.
    { methods: ["GET", "POST"], path: kit.logoutPath, handler: logoutView(http, options) },
    { methods: ["GET", "POST"], path: kit.signupPath, handler: signupView(http, options) },
    { methods: ["POST"], path: kit.guestPath, handler: guestView(http, options) },
    // The terms-of-service accept page, only when there are terms to accept.
    ...(settings.terms
      ? [
          {
            methods: ["GET", "POST"] as const,
            path: kit.termsPath,
            handler: termsView(http, options),
          },
        ]
      : []),
    { methods: ["GET"], path: kit.profilePath, handler: profileView(http, options) },
    { methods: ["GET", "POST"], path: kit.deletePath, handler: deleteView(http, options) },
  ];
}
