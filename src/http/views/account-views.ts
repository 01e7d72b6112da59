import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler, WebRoute } from "../handler.ts";
import { continueView } from "./continue-view.ts";
import { convertSuccessView, convertView, signupView } from "./convert-view.ts";
import { exportView } from "./export-view.ts";
import { guestView } from "./guest-view.ts";
import { loginView, logoutView } from "./login-view.ts";
import { deleteView, profileView } from "./profile-view.ts";
import { termsView } from "./terms-view.ts";
import { type AccountViewsOptions, createViewKit, pathOf } from "./view-kit.ts";

/**
 * The built-in account pages as routes for any adapter: convert (`settings.convertUrl`),
 * convert success (`settings.convertRedirectUrl`), login (`settings.loginUrl`), logout and
 * sign-up (`logoutPath`, `signupPath`), the account page, self-service deletion and "Download
 * my data" (`profilePath`, `deletePath`, `exportPath`), continuing on another device
 * (`continuePath`), and the JSON guest endpoint for API clients (`guestPath`). Each answers
 * HTML, or JSON when the client prefers it or posts JSON. With the `terms` option, the accept
 * page (`termsPath`) too. Routes of configured absolute URLs mount at their path. Drop a route
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
  const route = (methods: WebRoute["methods"], path: string, handler: WebHandler): WebRoute => ({
    methods,
    path,
    handler,
  });
  return [
    route(["GET", "POST"], pathOf(settings.convertUrl), convertView(http, options)),
    route(["GET"], pathOf(settings.convertRedirectUrl), convertSuccessView(http, options)),
    route(["GET", "POST"], pathOf(settings.loginUrl), loginView(http, options)),
    // GET is routed too, so that it gets a clear 405 with `Allow: POST`.
    route(["GET", "POST"], kit.logoutPath, logoutView(http, options)),
    route(["GET", "POST"], kit.signupPath, signupView(http, options)),
    route(["POST"], kit.guestPath, guestView(http, options)),
    // The terms-of-service accept page, only when there are terms to accept.
    ...(settings.terms ? [route(["GET", "POST"], kit.termsPath, termsView(http, options))] : []),
    route(["GET"], kit.profilePath, profileView(http, options)),
    route(["GET", "POST"], kit.deletePath, deleteView(http, options)),
    route(["GET", "POST"], kit.continuePath, continueView(http, options)),
    route(["GET"], kit.exportPath, exportView(http, options)), // issue 20: "Download my data"
  ];
}
