import type { User } from "../../core/model/types.ts";
import type { GuestUserHttp } from "../guest-user-http.ts";
import type { WebHandler } from "../handler.ts";
import { defineView } from "./define-view.ts";
import { loginFirst } from "./profile-view.ts";
import { jsonResponse } from "./respond.ts";
import { type AccountViewsOptions, createViewKit } from "./view-kit.ts";

/**
 * "Download my data", mounted at `exportPath` (default `/accounts/export/`): GET answers the
 * signed-in user's own `guestUsers.exportUser()` as a JSON attachment (`Content-Disposition:
 * attachment; filename="my-data-<id>.json"`, never cached). Anonymous visitors go to
 * `loginUrl` with `next` (JSON: 401). The account page links to it.
 *
 * @example
 * ```ts
 * const download = exportView(http, { exportPath: "/me/data/" });
 * ```
 */
export function exportView(http: GuestUserHttp, options: AccountViewsOptions = {}): WebHandler {
  const kit = createViewKit(http, options);
  return defineView(kit, {
    refuse: (exchange) => loginFirst(exchange, "Log in to download your data."),
    async GET(exchange) {
      const user = exchange.state.user as User;
      const data = await http.guestUsers.exportUser(user.id);
      // Deleted since the session was read: as good as anonymous.
      if (!data)
        return loginFirst({ ...exchange, state: { ...exchange.state, user: null } }) as Response;
      const filename = `my-data-${String(user.id).replace(/[^\w-]/g, "_")}.json`;
      return jsonResponse(200, data, {
        "content-disposition": `attachment; filename="${filename}"`,
      });
    },
  });
}
