import type { User } from "../core/types.ts";

/**
 * What the web layer reads of a request: a Web `Request` fits, and adapters pass a cheap
 * object of the same shape instead of building one on every hit.
 */
export interface HttpRequest {
  readonly method: string;
  /** The absolute URL, e.g. `http://localhost:3000/page/?a=1`. */
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  /** The client's address (adapters fill it in), for `guestCreationLimit`. */
  readonly clientAddress?: string | null;
  /** Builds the full Web `Request` (for the `guestCreated` event); adapters provide it lazily. */
  toWebRequest?(): Request;
  /**
   * A field of the body the framework already parsed (Express with a body parser, Fastify,
   * Hono's cached `parseBody()`), without consuming the stream; adapters provide it. Lazy
   * guest creation reads `csrf_token` with it.
   */
  formField?(name: string): Promise<unknown>;
}

/** Who is asking, as resolved from the session cookie or a bearer token. Mutable per request. */
export interface RequestState {
  /** The current user, or null for an anonymous visitor. */
  user: User | null;
  /** True when the current user is a guest. */
  isGuest: boolean;
  /** The session token in use, or null. */
  token: string | null;
  /** How the token came: the cookie (browsers) or `Authorization: Bearer` (SPA, mobile). */
  via: "cookie" | "bearer" | null;
  /** Set-Cookie values the response must carry (new session, refreshed expiry, CSRF cookie). */
  readonly setCookies: string[];
  /** The CSRF cookie's value, once read or made. */
  csrfSeed: string | null;
  /**
   * The client's address as the adapter determined it (its trusted proxies applied), or null
   * when unknown. Rate limits and the `beforeGuestCreated` hook read it.
   */
  clientAddress: string | null;
  /**
   * True when the visitor is anonymous on an `allowGuestUser` route in `createGuests: "onWrite"`
   * mode: a guest will be made on their first write (or by `ensureGuest`).
   */
  guestPending: boolean;
  /** Why the gate last refused this visitor a guest (the JSON guest endpoint answers with it). */
  guestRefusal: { readonly reason: string; readonly retryAfterSeconds: number } | null;
  /** True when this request created the visitor's guest. */
  guestCreatedHere: boolean;
  /** True when cookies go out with `Secure` (the request came over HTTPS, or `cookie.secure: true`). */
  secure: boolean;
}

/** A fresh, anonymous state. */
export function anonymousState(clientAddress: string | null = null): RequestState {
  return {
    user: null,
    isGuest: false,
    token: null,
    via: null,
    setCookies: [],
    csrfSeed: null,
    clientAddress,
    guestPending: false,
    guestRefusal: null,
    guestCreatedHere: false,
    secure: false,
  };
}

/** The `{ user }` JSON the views answer with. */
export function userJson(user: User | null) {
  return { user: user && { id: user.id, username: user.username, isGuest: user.isGuest } };
}
