import type { GuestUsers } from "../core/guest-users.ts";

/** A provider's sign-in route as `oauthViews()` mounted it. */
export interface SignInRoute {
  /** The provider's name, as identities record it (`"github"`, `"oidc"`). */
  readonly provider: string;
  /** The provider's name for people (`"GitHub"`). */
  readonly label: string;
  /** The start path of its sign-in (`/accounts/oauth/github/start/`), without `next`. */
  readonly startPath: string;
}

/** The sign-in routes mounted for each GuestUsers, by provider name. */
const mounted = new WeakMap<GuestUsers, Map<string, SignInRoute>>();

/**
 * Records that `oauthViews()` mounted a provider's sign-in for these GuestUsers, so that other
 * pages (the delete view asking a user without a password to sign in again) can link to it.
 * The last one mounted for a provider name wins.
 */
export function registerSignInRoute(guestUsers: GuestUsers, route: SignInRoute): void {
  const routes = mounted.get(guestUsers) ?? new Map<string, SignInRoute>();
  mounted.set(guestUsers, routes.set(route.provider, route));
}

/**
 * The mounted sign-in routes of these providers, in the order given; providers without one
 * (never mounted, or signed in through another integration) are left out.
 */
export function signInRoutesFor(
  guestUsers: GuestUsers,
  providers: readonly string[],
): SignInRoute[] {
  const routes = mounted.get(guestUsers);
  return [...new Set(providers)].flatMap((provider) => routes?.get(provider) ?? []);
}
