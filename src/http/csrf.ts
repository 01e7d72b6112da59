import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { readCookie } from "./cookies.ts";
import { escapeHtml } from "./escape.ts";
import type { GuestUserHttp } from "./guest-user-http.ts";
import type { HttpRequest, RequestState } from "./request.ts";

/** The hidden form field that carries the token. */
export const CSRF_FIELD = "csrf_token";

/**
 * The hidden input carrying a CSRF token you already have (e.g. a layout's `csrfToken`), its
 * value HTML-escaped: `<input type="hidden" name="csrf_token" value="...">`.
 *
 * @example
 * ```ts
 * const logOut = `<form method="post" action="/accounts/logout/">${csrfInput(token)}<button>Log out</button></form>`;
 * ```
 */
export function csrfInput(token: string): string {
  return `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(token)}">`;
}

/**
 * The hidden `csrf_token` input of your own POST forms, for framework-free code on Web
 * requests (the adapters have `guestUser.csrfField(...)`). The token is tied to this browser
 * and its current session; when the browser has no CSRF cookie yet, one is queued in
 * `state.setCookies`: the adapters' `mount()` and `guarded()` send it with the page (else use
 * `withCookies(response, state)`). The views (logout, convert...) and `http.verifyCsrf` accept it.
 *
 * @example
 * ```ts
 * const page: WebHandler = async (request, { http, state }) =>
 *   new Response(
 *     `<form method="post" action="/accounts/logout/">${csrfField(http, request, state)}<button>Log out</button></form>`,
 *     { headers: { "content-type": "text/html; charset=utf-8" } },
 *   );
 * ```
 */
export function csrfField(
  http: Pick<GuestUserHttp, "csrfToken">,
  request: HttpRequest,
  state: RequestState,
): string {
  return csrfInput(http.csrfToken(request, state));
}

/**
 * CSRF protection for HTML forms: a random seed in its own HttpOnly cookie, and a token that
 * is an HMAC of the seed AND the session id, so it is tied to the session: after a login or a
 * conversion (a new session), old forms no longer post.
 */
export function csrfProtection(
  secret: string,
  cookieName: string,
  cookieFor: (state: RequestState, name: string, value: string) => string,
) {
  const sign = (seed: string, sessionId: string) =>
    createHmac("sha256", secret).update(`${seed}|${sessionId}`).digest("base64url");
  const sessionIdOf = (state: RequestState) => state.token?.split(".")[0] ?? "";
  const seedOf = (request: HttpRequest, state: RequestState) => {
    if (state.csrfSeed) return state.csrfSeed;
    const seed = readCookie(request.headers.get("cookie"), cookieName);
    state.csrfSeed = seed && /^[\w-]{22,64}$/.test(seed) ? seed : null;
    return state.csrfSeed;
  };
  const newSeed = (state: RequestState) => {
    const seed = randomBytes(24).toString("base64url");
    state.csrfSeed = seed;
    state.setCookies.push(cookieFor(state, cookieName, seed));
    return seed;
  };
  return {
    /** This browser's seed (from its cookie), or null. */
    seed: seedOf,
    /** Gives this browser a new seed (on log-out): forms and creation keys of the old one end. */
    rotate(state: RequestState): void {
      newSeed(state);
    },
    /** The token to put in a form's hidden `csrf_token` field (sets the seed cookie if needed). */
    token(request: HttpRequest, state: RequestState): string {
      const seed = seedOf(request, state) ?? newSeed(state);
      return sign(seed, sessionIdOf(state));
    },
    /**
     * True when a submitted token matches this browser's seed and current session. When this
     * very request made the visitor a guest (lazy mode), the anonymous page's token counts too.
     */
    verify(request: HttpRequest, state: RequestState, submitted: unknown): boolean {
      const seed = seedOf(request, state);
      if (!seed || typeof submitted !== "string" || submitted.length > 128) return false;
      const actual = Buffer.from(submitted);
      const matches = (sessionId: string) => {
        const expected = Buffer.from(sign(seed, sessionId));
        return expected.length === actual.length && timingSafeEqual(expected, actual);
      };
      return matches(sessionIdOf(state)) || (state.guestCreatedHere && matches(""));
    },
  };
}

/**
 * For JSON requests: accepted when the browser says the request is same-origin
 * (`Sec-Fetch-Site: same-origin` or `none`), or its `Origin` equals ours. A request
 * authenticated by a bearer token carries no ambient credential and needs neither.
 */
export function sameOriginRequest(request: HttpRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  try {
    return new URL(origin).origin === new URL(request.url).origin;
  } catch {
    return false;
  }
}
