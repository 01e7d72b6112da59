import type { User } from "../core/model/types.ts";
import type { QuotaVerdict } from "../core/operations/quotas.ts";

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
  /**
   * For a guest: when it expires and clean-up may delete it with everything it made, in
   * milliseconds since the epoch (`retention.maxAge` after its creation, or after its last
   * visit with `expireBy: "lastSeenAt"`; `maxAgeIfKept` when `retention.keepIf` matches),
   * read by the session lookup itself (no extra query). null for registered users, anonymous
   * visitors and guests kept forever (`maxAgeIfKept: null`). A guest made in this request
   * gets `now + maxAge`.
   * @default null
   * @example
   * ```ts
   * if (state.isGuest && state.expiresAt !== null)
   *   notice(`Your work is kept until ${new Date(state.expiresAt).toLocaleDateString()}`);
   * ```
   */
  expiresAt: number | null;
  /** The session token in use, or null. */
  token: string | null;
  /** How the token came: the cookie (browsers) or `Authorization: Bearer` (SPA, mobile). */
  via: "cookie" | "bearer" | null;
  /**
   * What the last `quota()` guard of this request spent: the quota's name, `limit`,
   * `remaining` and `resetAt` (issue 20). Absent on routes without one.
   * @default undefined
   */
  quota?: QuotaVerdict;
  /** Set-Cookie values the response must carry (new session, refreshed expiry, CSRF cookie). */
  readonly setCookies: string[];
  /** The CSRF cookie's value (a seed this app signed; any other is ignored), once read or made. */
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
    expiresAt: null,
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

/** The user of {@link userJson}: `expiresAt` (ISO 8601, or null for never) for guests only. */
export interface UserJson extends Pick<User, "id" | "username" | "isGuest"> {
  readonly expiresAt?: string | null;
}

/**
 * The `{ user }` JSON the views answer with: `{ id, username, isGuest }`, plus, for a guest
 * when its deadline is given (the request state's `expiresAt`), `expiresAt` as an ISO 8601
 * string (null: kept until it converts). Registered users keep the three keys.
 *
 * @default expiresAt undefined (no `expiresAt` key)
 * @example
 * ```ts
 * return Response.json(userJson(state.user, state.expiresAt));
 * // { user: { id: 7, username: "guest-ab12", isGuest: true, expiresAt: "2026-12-12T10:00:00.000Z" } }
 * ```
 */
export function userJson(
  user: User | null,
  expiresAt?: number | null,
): { readonly user: UserJson | null } {
  if (!user) return { user: null };
  const json: UserJson = { id: user.id, username: user.username, isGuest: user.isGuest };
  if (!user.isGuest || expiresAt === undefined) return { user: json };
  return {
    user: { ...json, expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() },
  };
}
