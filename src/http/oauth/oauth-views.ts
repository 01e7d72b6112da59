import { GuestUserError } from "../../shared/errors.ts";
import { parseOptions } from "../../shared/option-schema.ts";
import { type GuestUserHttp, webSecret } from "../guest-user-http.ts";
import type { WebRoute } from "../handler.ts";
import { safeNext, withNext } from "../safe-next.ts";
import { registerSignInRoute } from "../sign-in-routes.ts";
import { defineView } from "../views/define-view.ts";
import { jsonResponse, pageResponse, successAnswer } from "../views/respond.ts";
import { createViewKit, type Exchange } from "../views/view-kit.ts";
import { FLOW_MAX_AGE_SECONDS, flowCookies, randomValue, sameText } from "./flow-cookie.ts";
import { OAUTH_VIEWS_OPTIONS, type OAuthViewsOptions } from "./oauth-options.ts";
import { OAuthError, type ProviderIdentity } from "./provider.ts";

/** Each failure's status and page title. */
const FAILURES = {
  OAUTH_UNAVAILABLE: [502, "Sign-in unavailable"],
  OAUTH_REFUSED: [400, "Sign-in cancelled"],
  OAUTH_STATE_INVALID: [400, "Sign-in expired"],
  OAUTH_FAILED: [400, "Sign-in failed"],
  IDENTITY_TAKEN: [409, "Account already linked"],
  NOT_GUEST: [409, "Already converted"],
} as const;

/** A failure page (HTML) or `{ error: { code, message } }` (JSON); nothing was changed. */
function failure(exchange: Exchange, code: keyof typeof FAILURES, message: string) {
  const [status, title] = FAILURES[code];
  if (exchange.json) return jsonResponse(status, { error: { code, message } });
  const body = exchange.kit.templates.errorPage({ status, title, message });
  return pageResponse(exchange, status, title, body);
}

/** An error, described for the log without the values it may carry. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const { code, error: oauthError } = error as { code?: unknown; error?: unknown };
  const parts = [error.name, code, oauthError].filter((part) => typeof part === "string" && part);
  return `${parts.join(" ")}: ${error.message.slice(0, 200)}`;
}

/**
 * The social-login routes for each provider: `GET <prefix><name>/start/?next=...` sends the
 * visitor to the provider (Authorization Code + PKCE, `state` and `nonce` kept in a
 * ten-minute, encrypted, HttpOnly, SameSite=Lax cookie scoped to the callback path and bound
 * to this browser's CSRF seed and session, the safe `next` carried through), and
 * `GET <prefix><name>/callback/` finishes (in the browser that started): a known identity logs
 * its user in (a current guest merged into it through `merged`); else the current guest is
 * converted with the identity (same id), a registered user links it, or an anonymous visitor
 * gets a new user. Always with a NEW session; then to `next`, or `convertRedirectUrl` after a
 * conversion, `loginRedirectUrl` otherwise. A refused or failed sign-in, a bad or missing
 * `state`: 400; an identity linked to someone else or a guest converted meanwhile: 409; an
 * error page (or JSON `{ error: { code, message } }`), nothing changed.
 *
 * @example
 * ```ts
 * import { oauthViews, oidcProvider } from "guest-user/oauth";
 * app.use(guestUser.router(oauthViews(guestUser.http, {
 *   providers: [oidcProvider({ issuer, clientId, clientSecret })],
 * })));
 * // <a href="/accounts/oauth/oidc/start/?next=/editor/">Sign in with OpenID Connect</a>
 * ```
 */
export function oauthViews(http: GuestUserHttp, options: OAuthViewsOptions): readonly WebRoute[] {
  const given = parseOptions(OAUTH_VIEWS_OPTIONS, options, "oauthViews()");
  const kit = createViewKit(http, { templates: given.templates });
  const { settings } = kit;
  const cookies = flowCookies(webSecret(settings), settings.cookie.name);
  return given.providers.flatMap((provider) => {
    const base = `${given.prefix}${provider.name}/`;
    const paths = { start: `${base}start/`, callback: `${base}callback/` };
    // So that the delete view can ask a user without a password to sign in again here.
    registerSignInRoute(http.guestUsers, {
      provider: provider.name,
      label: provider.label,
      startPath: paths.start,
    });
    const start = async (exchange: Exchange) => {
      const { url, state } = exchange;
      const flow = {
        provider: provider.name,
        state: randomValue(),
        codeVerifier: randomValue(),
        nonce: randomValue(),
        redirectUri: provider.redirectUri ?? `${given.origin ?? url.origin}${paths.callback}`,
        next: safeNext(url.searchParams.get("next"), url),
        expiresAt: settings.clock() + FLOW_MAX_AGE_SECONDS * 1000,
      };
      let location: URL;
      try {
        location = await provider.authorizationUrl(flow);
      } catch (error) {
        if (error instanceof GuestUserError && error.code === "DRIVER_MISSING") throw error;
        settings.logger.warn(
          `guest-user: sign-in with ${provider.name} could not start (${describe(error)})`,
        );
        const message = `Sign-in with ${provider.label} is unavailable right now. Please try again in a moment.`;
        return failure(exchange, "OAUTH_UNAVAILABLE", message);
      }
      http.csrfToken(exchange.request, state); // the browser's CSRF seed, which the flow is bound to
      cookies.write(state, paths.callback, flow);
      if (exchange.json) return jsonResponse(200, { redirect: location.href });
      return new Response(null, {
        status: 302,
        headers: { location: location.href, "cache-control": "no-store" },
      });
    };

    const callback = async (exchange: Exchange) => {
      const { url, request, state } = exchange;
      http.csrfToken(request, state); // the browser's CSRF seed: a flow of another browser fails
      const flow = cookies.read(request.headers.get("cookie"), state, settings.clock());
      if (flow) cookies.clear(state, paths.callback); // one use
      const again = `Start again from ${withNext(paths.start, "next", flow?.next ?? "/")}.`;
      const refused = url.searchParams.get("error");
      if (refused !== null) {
        const reason = /^[\w.-]{1,64}$/.test(refused) ? ` (${refused})` : "";
        const message = `Sign-in with ${provider.label} was cancelled or refused${reason}. ${again}`;
        return failure(exchange, "OAUTH_REFUSED", message);
      }
      const returned = url.searchParams.get("state");
      if (flow?.provider !== provider.name || !returned || !sameText(returned, flow.state)) {
        const message = `This sign-in has expired or was not started in this browser. Start again from ${paths.start}.`;
        return failure(exchange, "OAUTH_STATE_INVALID", message);
      }
      let identity: ProviderIdentity;
      try {
        identity = await provider.identify({ ...flow, url });
        if (!identity.subject) throw new OAuthError("The provider gave no user id.");
      } catch (error) {
        settings.logger.warn(
          `guest-user: sign-in with ${provider.name} failed (${describe(error)})`,
        );
        const message = `Sign-in with ${provider.label} did not succeed. ${again}`;
        return failure(exchange, "OAUTH_FAILED", message);
      }
      let connected: Awaited<ReturnType<GuestUserHttp["guestUsers"]["connectIdentity"]>>;
      try {
        connected = await http.guestUsers.connectIdentity(
          { ...identity, provider: provider.name },
          { current: state.user },
        );
      } catch (error) {
        const code = error instanceof GuestUserError ? error.code : null;
        if (code === "IDENTITY_TAKEN") {
          const message = `This ${provider.label} account is linked to another user. Log out and sign in with it to use that account.`;
          return failure(exchange, code, message);
        }
        if (code === "NOT_GUEST") {
          const message =
            "This guest account was just converted in another window. Reload the page.";
          return failure(exchange, code, message);
        }
        throw error;
      }
      const session = await http.logIn(request, state, connected.user);
      const fallback =
        connected.outcome === "converted" ? settings.convertRedirectUrl : settings.loginRedirectUrl;
      return successAnswer(exchange, safeNext(flow.next, url) ?? fallback, session);
    };
    return [
      { methods: ["GET"], path: paths.start, handler: defineView(kit, { GET: start }) },
      { methods: ["GET"], path: paths.callback, handler: defineView(kit, { GET: callback }) },
    ];
  });
}

/**
 * The start path of a provider's sign-in, with a `next` to come back to: for your "Sign in
 * with ..." links and buttons.
 * @default options { prefix: "/accounts/oauth/", next: null }
 * @example
 * ```ts
 * `<a href="${escapeHtml(oauthStartPath("github", { next: "/editor/" }))}">Sign in with GitHub</a>`;
 * // /accounts/oauth/github/start/?next=/editor/
 * ```
 */
export function oauthStartPath(
  name: string,
  options: { readonly prefix?: string; readonly next?: string | null } = {},
): string {
  const start = `${options.prefix ?? "/accounts/oauth/"}${encodeURIComponent(name)}/start/`;
  return options.next ? withNext(start, "next", options.next) : start;
}
