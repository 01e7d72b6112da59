import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { readCookie } from "./cookies.ts";
import { signedSeeds } from "./csrf-seed.ts";
import { escapeHtml } from "./escape.ts";
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

/** A token's random part: 16 bytes, 22 base64url characters, new for each request. */
const NONCE_BYTES = 16;
const NONCE_CHARS = 22;
/** `<nonce><HMAC-SHA256>`: 22 + 43 characters. */
const TOKEN_CHARS = NONCE_CHARS + 43;

/**
 * CSRF protection for HTML forms: a signed random seed in its own HttpOnly cookie (see
 * {@link signedSeeds}: a seed we did not issue is replaced, never trusted), and a token that
 * is a random nonce (new for each request that renders one) with an HMAC of the seed, the
 * session id and that nonce: tied to the browser AND the session, so after a login or a
 * conversion (a new session) old forms no longer post. The nonce also tells one page's token
 * from another's: lazy guest creation binds its creation key to the page that proved itself
 * (see `creationKeyOf`), which a client holding only the seed cookie cannot name.
 */
export function csrfProtection(
  secret: string,
  cookieName: string,
  cookieFor: (state: RequestState, name: string, value: string) => string,
) {
  const seeds = signedSeeds(secret);
  const sign = (seed: string, sessionId: string, nonce: string) =>
    createHmac("sha256", secret).update(`csrf|${seed}|${sessionId}|${nonce}`).digest("base64url");
  const sessionIdOf = (state: RequestState) => state.token?.split(".")[0] ?? "";
  /** The nonce of the tokens this request renders (one per request, for every form on it). */
  const nonces = new WeakMap<RequestState, string>();
  /** The nonce of the anonymous page token this request proved (lazy creation reads it). */
  const proofs = new WeakMap<RequestState, string>();
  const seedOf = (request: HttpRequest, state: RequestState) =>
    (state.csrfSeed ??= seeds.check(readCookie(request.headers.get("cookie"), cookieName)));
  const newSeed = (state: RequestState) => {
    const seed = seeds.issue();
    state.csrfSeed = seed;
    state.setCookies.push(cookieFor(state, cookieName, seed));
    return seed;
  };
  const nonceOf = (state: RequestState) => {
    let nonce = nonces.get(state);
    if (!nonce) {
      nonce = randomBytes(NONCE_BYTES).toString("base64url");
      nonces.set(state, nonce);
    }
    return nonce;
  };
  return {
    /** This browser's seed (from its cookie, when we signed it), or null. */
    seed: seedOf,
    /** Gives this browser a new seed (on log-out): forms and creation keys of the old one end. */
    rotate: newSeed,
    /** The token to put in a form's hidden `csrf_token` field (sets the seed cookie if needed). */
    token(request: HttpRequest, state: RequestState): string {
      const seed = seedOf(request, state) ?? newSeed(state);
      const nonce = nonceOf(state);
      return `${nonce}${sign(seed, sessionIdOf(state), nonce)}`;
    },
    /**
     * True when a submitted token matches this browser's seed and current session. When this
     * very request made the visitor a guest (lazy mode), the anonymous page's token counts too.
     */
    verify(request: HttpRequest, state: RequestState, submitted: unknown): boolean {
      const seed = seedOf(request, state);
      if (!seed || typeof submitted !== "string" || submitted.length !== TOKEN_CHARS) return false;
      const nonce = submitted.slice(0, NONCE_CHARS);
      const actual = Buffer.from(submitted.slice(NONCE_CHARS));
      const matches = (sessionId: string) => {
        const expected = Buffer.from(sign(seed, sessionId, nonce));
        return expected.length === actual.length && timingSafeEqual(expected, actual);
      };
      const sessionId = sessionIdOf(state);
      if (matches(sessionId)) {
        if (sessionId === "") proofs.set(state, nonce);
        return true;
      }
      return state.guestCreatedHere && matches("");
    },
    /**
     * The nonce of the anonymous page token this request proved with {@link verify}, or null
     * (none was submitted, or the request passed on its headers alone).
     */
    provenPage(state: RequestState): string | null {
      return proofs.get(state) ?? null;
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
