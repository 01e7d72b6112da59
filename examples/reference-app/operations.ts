/**
 * The reference app's operations routes, from its environment (operations-config.ts): the
 * guest admin at `/admin/guests/` for staff (`guest-user staff grant <username>`) and for the
 * password accounts `GUEST_USER_ADMIN_USERS` names, and the OpenID Connect provider `oidc` at
 * `/accounts/oauth/oidc/start/` and `.../callback/`. `guest-user/oauth` (and openid-client)
 * is loaded only when a provider is configured.
 */
import type { GuestUserHttp, User, WebRoute } from "guest-user";
import { adminViews } from "guest-user/admin";
import type { OperationsConfig } from "./operations-config.ts";

/** Usernames compared the way the library compares them: NFKC, without regard to case. */
const fold = (username: string) => username.normalize("NFKC").toLowerCase();

/**
 * Who may use the admin: staff, and the accounts WITH A PASSWORD whose name `adminUsers`
 * lists. A name is whatever its first taker chose: an account made through a social identity
 * gets the provider's `preferred_username` when it is free, so a listed name that has no
 * password (made that way) is never admitted. A password account can still claim a listed
 * name that nobody has yet: prefer the staff flag.
 *
 * @example
 * ```ts
 * adminAccess(["ada"])(user); // true for staff, and for a password account named "Ada"
 * ```
 */
export function adminAccess(adminUsers: readonly string[] | undefined): (user: User) => boolean {
  const admins = new Set((adminUsers ?? []).map(fold));
  return (user) => user.isStaff || (user.hasPassword && admins.has(fold(user.username)));
}

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
  // Without GUEST_USER_ADMIN_USERS: the library's default, the staff flag alone.
  const routes: WebRoute[] = config.adminUsers
    ? [...adminViews(http, { canAccess: adminAccess(config.adminUsers) })]
    : [...adminViews(http)];
  if (config.oidc) {
    const { oauthViews, oidcProvider } = await import("guest-user/oauth");
    const provider = oidcProvider({ ...config.oidc, name: "oidc", label: "OIDC" });
    routes.push(...oauthViews(http, { providers: [provider] }));
  }
  return routes;
}
