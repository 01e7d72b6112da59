import { InvalidConfigError } from "../core/errors.ts";
import type { GuestUsers } from "../core/guest-users.ts";
import type { Session } from "../core/sessions.ts";
import type { User } from "../core/types.ts";
import { isLocalHost, readCookie, serializeCookie } from "./cookies.ts";
import { csrfProtection } from "./csrf.ts";
import { fixedWindowLimiter } from "./rate-limit.ts";
import { anonymousState, type HttpRequest, type RequestState } from "./request.ts";

/**
 * The web layer over a {@link GuestUsers}: sessions in cookies (or bearer tokens), guest
 * creation, log in and out, CSRF. Adapters and views use it; apps rarely call it directly.
 */
export interface GuestUserHttp {
  readonly guestUsers: GuestUsers;
  /**
   * Resolves who is asking: the session cookie or an `Authorization: Bearer` token, validated
   * in ONE query. Unknown, expired or malformed: anonymous, never an error. A refreshed
   * session re-sends its cookie.
   */
  resolve(request: HttpRequest): Promise<RequestState>;
  /**
   * The reference's `maybe_create_guest_user`: when the visitor is anonymous, guests are
   * enabled and the User-Agent is not blocked, creates a guest and logs it in on this
   * response. Returns the guest made, or null.
   */
  maybeCreateGuestUser(request: HttpRequest, state: RequestState): Promise<User | null>;
  /** Logs a user in with a NEW session (the old one is ended): call after login and conversion. */
  logIn(request: HttpRequest, state: RequestState, user: User): Promise<Session>;
  /** Ends the current session and clears the cookie. */
  logOut(request: HttpRequest, state: RequestState): Promise<void>;
  /** The token for a form's hidden `csrf_token` field. */
  csrfToken(request: HttpRequest, state: RequestState): string;
  /** Checks a submitted `csrf_token`. */
  verifyCsrf(request: HttpRequest, state: RequestState, submitted: unknown): boolean;
}

const CSRF_COOKIE_SUFFIX = "_csrf";

/**
 * Creates the web layer. Throws `INVALID_CONFIG` when no `secret` was configured.
 *
 * @example
 * ```ts
 * const guestUsers = createGuestUsers({ secret: process.env.GUEST_USER_SECRET });
 * const http = createGuestUserHttp(guestUsers);
 * const state = await http.resolve(request);
 * ```
 */
export function createGuestUserHttp(guestUsers: GuestUsers): GuestUserHttp {
  const { settings } = guestUsers;
  if (!settings.secret) {
    throw new InvalidConfigError(
      "secret",
      "No session cookie secret configured: pass `secret` to createGuestUsers() (at least 32 random characters, e.g. from `openssl rand -base64 32`).",
    );
  }
  const { cookie } = settings;

  const secureFor = (request: HttpRequest) => {
    if (cookie.secure !== "auto") return cookie.secure;
    try {
      return !isLocalHost(new URL(request.url).hostname);
    } catch {
      return true;
    }
  };
  const cookieFor = (request: HttpRequest, name: string, value: string, maxAge?: number) =>
    serializeCookie(name, value, {
      httpOnly: true,
      sameSite: "Lax",
      secure: secureFor(request),
      path: cookie.path,
      ...(cookie.domain ? { domain: cookie.domain } : {}),
      ...(maxAge === undefined ? {} : { maxAge }),
    });
  const sessionCookie = (request: HttpRequest, session: Session) =>
    cookieFor(
      request,
      cookie.name,
      session.token,
      Math.round((session.expiresAt - settings.clock()) / 1000),
    );
  const csrf = csrfProtection(
    settings.secret,
    `${cookie.name}${CSRF_COOKIE_SUFFIX}`,
    (request, name, value) => cookieFor(request, name, value),
  );

  const limiter =
    settings.guestCreationLimit && fixedWindowLimiter(settings.guestCreationLimit, settings.clock);
  const limited = (request: HttpRequest) => {
    if (!limiter || !request.clientAddress) return false;
    const verdict = limiter.take(request.clientAddress);
    if (verdict === "newly-limited") {
      settings.logger.warn(
        `guest-user: guestCreationLimit reached for ${request.clientAddress}; serving it anonymously until the window ends.`,
      );
    }
    return verdict !== "allowed";
  };

  const setUser = (state: RequestState, user: User, session: Session) => {
    state.user = user;
    state.isGuest = user.isGuest;
    state.token = session.token;
    state.via = state.via === "bearer" ? "bearer" : "cookie";
  };

  return {
    guestUsers,

    async resolve(request) {
      const state = anonymousState();
      const authorization = request.headers.get("authorization");
      const bearer = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : null;
      const token = bearer ?? readCookie(request.headers.get("cookie"), cookie.name);
      if (!token) return state;
      const found = await guestUsers.validateSession(token);
      if (!found) {
        // A stale cookie is dropped so the browser stops sending it.
        if (!bearer) state.setCookies.push(cookieFor(request, cookie.name, "", 0));
        return state;
      }
      state.via = bearer ? "bearer" : "cookie";
      setUser(state, found.user, found.session);
      if (found.refreshed && !bearer) state.setCookies.push(sessionCookie(request, found.session));
      return state;
    },

    async maybeCreateGuestUser(request, state) {
      if (state.user || !guestUsers.canCreateGuest(request) || limited(request)) return null;
      // Built only when a guestCreated listener will read it.
      const webRequest = () =>
        request instanceof Request
          ? request
          : (request.toWebRequest?.() ?? new Request(request.url));
      const { user, session } = await guestUsers.createGuestSession({ request: webRequest });
      setUser(state, user, session);
      if (state.via !== "bearer") state.setCookies.push(sessionCookie(request, session));
      return user;
    },

    async logIn(request, state, user) {
      if (state.token) await guestUsers.invalidateSession(state.token);
      const session = await guestUsers.createSession(user.id);
      setUser(state, user, session);
      if (state.via !== "bearer") state.setCookies.push(sessionCookie(request, session));
      return session;
    },

    async logOut(request, state) {
      if (state.token) await guestUsers.invalidateSession(state.token);
      Object.assign(state, { user: null, isGuest: false, token: null });
      state.setCookies.push(cookieFor(request, cookie.name, "", 0));
    },

    csrfToken: (request, state) => csrf.token(request, state),
    verifyCsrf: (request, state, submitted) => csrf.verify(request, state, submitted),
  };
}
