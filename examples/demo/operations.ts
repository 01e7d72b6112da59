import type { GuestUserHttp, User, WebRoute } from "guest-user";
import { adminViews, defaultAdminTemplates } from "guest-user/admin";
import type { Templates } from "guest-user/templates";
import { PATHS, type SignInLink } from "./layout.ts";

/** One OpenID Connect provider for "Sign in with ...": `DEMO_OIDC_*` in `server.ts`. */
export interface DemoOidcOptions {
  /** The issuer URL (its `/.well-known/openid-configuration` is read on the first sign-in). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * What the button says after "Sign in with".
   * @default "OpenID Connect"
   */
  readonly label?: string;
}

/** Usernames as the library compares them: NFKC, whatever the case (`Ada` is `ada`). */
const nameKey = (name: string) => name.normalize("NFKC").trim().toLowerCase();

/**
 * Who may use the admin: staff (`guest-user staff grant <username>`), and the accounts WITH A
 * PASSWORD named in `usernames`. A guest never may, even one whose generated name is on the
 * list; nor may an account made through "Sign in with ...", which takes the provider's
 * `preferred_username` when it is free: a name is whatever its first taker chose.
 */
export function adminAccess(usernames: readonly string[]): (user: User | null) => boolean {
  const names = new Set(usernames.map(nameKey).filter((name) => name !== ""));
  return (user) =>
    user !== null &&
    !user.isGuest &&
    (user.isStaff || (user.hasPassword && names.has(nameKey(user.username))));
}

/**
 * The library's guest admin at `/admin/guests/` (list, funnel, deletions) for the users
 * `isAdmin` accepts, in its own wide layout with a way back to the notes.
 */
export function adminRoutes(
  http: GuestUserHttp,
  isAdmin: (user: User) => boolean,
): readonly WebRoute[] {
  return adminViews(http, {
    prefix: PATHS.admin,
    canAccess: isAdmin,
    templates: {
      layout: (context) =>
        defaultAdminTemplates.layout({
          ...context,
          body: `<p><a href="${PATHS.home}">← Back to the notes</a></p>\n${context.body}`,
        }),
    },
  });
}

/** The social-login routes and the buttons that start them. */
export interface SocialLogin {
  readonly routes: readonly WebRoute[];
  /** The "Sign in with ..." links, coming back to `next` afterwards. */
  signIn(next: string): readonly SignInLink[];
}

/**
 * "Sign in with ..." through one OpenID Connect provider, named `oidc`: the start and
 * callback routes at `/accounts/oauth/oidc/start/` and `/accounts/oauth/oidc/callback/` (the
 * redirect URI to register is `<the demo's origin>/accounts/oauth/oidc/callback/`). A guest
 * who signs in is converted with the SAME id (its notes stay); one whose provider account is
 * already known is merged into that user (the `merged` listener moves its notes).
 *
 * `guest-user/oauth` (and so openid-client) is imported only here, when a provider is
 * configured: the demo runs without openid-client installed.
 */
export async function socialLogin(
  http: GuestUserHttp,
  oidc: DemoOidcOptions,
  layout: Templates["layout"],
): Promise<SocialLogin> {
  const { oauthStartPath, oauthViews, oidcProvider } = await import("guest-user/oauth");
  const provider = oidcProvider({
    name: "oidc",
    label: oidc.label || "OpenID Connect",
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
  });
  return {
    routes: oauthViews(http, { providers: [provider], templates: { layout } }),
    signIn: (next) => [{ label: provider.label, href: oauthStartPath(provider.name, { next }) }],
  };
}
