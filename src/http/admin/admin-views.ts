import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebRoute } from "../handler.ts";
import { defineView } from "../views/define-view.ts";
import type { Exchange } from "../views/view-kit.ts";
import { type AdminKit, type AdminViewsOptions, createAdminKit } from "./admin-kit.ts";
import { refusal } from "./answers.ts";
import { deleteExpired, deleteSelected } from "./delete-views.ts";
import { funnelPage } from "./funnel-view.ts";
import { listGuestsPage } from "./list-view.ts";

type Page = (exchange: Exchange, admin: AdminKit) => Promise<Response>;

/**
 * The guest admin, as routes for any adapter (mount them like `accountViews`):
 *
 * - `GET <prefix>`: the guests, newest first, with keyset pagination, a username prefix
 *   search and the filters all / active / expired (`?filter=&q=&after=&limit=`);
 * - `GET <prefix>funnel/`: the conversion funnel of the last 30 days (`?days=`);
 * - `POST <prefix>delete/`: delete the selected guests (a confirmation page first);
 * - `POST <prefix>delete-expired/`: delete every expired guest, batched, with the same code
 *   as `guest-user delete-expired` (a confirmation page first).
 *
 * Each answers HTML, or JSON when the client asks for it (`Accept: application/json`) or
 * posts JSON (then `confirm: true` skips the confirmation step). Anonymous visitors go to
 * `loginUrl` with `next` (JSON: 401); guests and users `canAccess` refuses (by default:
 * everyone but staff, see `guest-user staff grant <username>`) get 403. Every
 * POST needs the CSRF token (or a same-origin JSON request, or a bearer token): 403 without.
 * Neither action can delete a registered user, even if its id is posted. No add or edit.
 *
 * @example
 * ```ts
 * // For staff: `npx guest-user staff grant ada` first.
 * app.use(guestUser.router(adminViews(guestUser.http)));
 * ```
 */
export function adminViews(
  http: GuestUserHttp,
  options: AdminViewsOptions = {},
): readonly WebRoute[] {
  const admin = createAdminKit(http, options);
  const { paths, view } = admin;
  // Runs `page` for visitors who may use the admin; the others get `refusal`'s answer. The
  // actions route GET too, so that it gets a clear 405 with `Allow: POST`.
  const route = (path: string, method: "GET" | "POST", page: Page): WebRoute => ({
    methods: method === "GET" ? ["GET"] : ["GET", "POST"],
    path,
    handler: defineView(view, {
      [method]: async (exchange: Exchange) =>
        (await refusal(exchange, admin)) ?? page(exchange, admin),
    }),
  });
  return [
    route(paths.list, "GET", listGuestsPage),
    route(paths.funnel, "GET", funnelPage),
    route(paths.delete, "POST", deleteSelected),
    route(paths.deleteExpired, "POST", deleteExpired),
  ];
}
