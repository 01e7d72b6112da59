/**
 * The reference app's operations routes, from its environment (operations-config.ts): the
 * guest admin at `/admin/guests/` for the users `GUEST_USER_ADMIN_USERS` names, and the
 * OpenID Connect provider `oidc` at `/accounts/oauth/oidc/start/` and `.../callback/`.
 * `guest-user/oauth` (and openid-client) is loaded only when a provider is configured.
 */
import type { GuestUserHttp, User, WebRoute } from "guest-user";
import { adminViews } from "guest-user/admin";
import type { OperationsConfig } from "./operations-config.ts";

/** Usernames compared the way the library compares them: NFKC, without regard to case. */
const fold = (username: string) => username.normalize("NFKC").toLowerCase();

/**
 * The routes each adapter mounts next to the account views.
 *
 * @example
 * ```ts
 * app.use(guestUser.router(await operationRoutes(guestUser.http, config)));
 * ```
 */
export async function operationRoutes(
  http: GuestUserHttp,
  config: OperationsConfig,
): Promise<readonly WebRoute[]> {
  const routes: WebRoute[] = [];
  if (config.adminUsers) {
    const admins = new Set(config.adminUsers.map(fold));
    routes.push(
      ...adminViews(http, { canAccess: (user: User) => admins.has(fold(user.username)) }),
    );
  }
  if (config.oidc) {
    const { oauthViews, oidcProvider } = await import("guest-user/oauth");
    const provider = oidcProvider({ ...config.oidc, name: "oidc", label: "OIDC" });
    routes.push(...oauthViews(http, { providers: [provider] }));
  }
  return routes;
}
