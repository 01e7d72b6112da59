import { developmentSecret, ENVIRONMENT } from "../core/config/environment.ts";
import type { Settings } from "../core/config/settings.ts";
import type { GuestUsers } from "../core/guest-users.ts";
import type { User } from "../core/model/types.ts";
import type { Session } from "../core/operations/sessions.ts";
import { guestExpiresAt } from "../core/runtime/expiry.ts";
import { DatabaseUnavailableError } from "../shared/database-errors.ts";
import { BodyError, InvalidConfigError } from "../shared/errors.ts";
import { bodyErrorResponse } from "./body-failure.ts";
import { readCookie, serializeCookie } from "./cookies.ts";
import { csrfProtection } from "./csrf.ts";
import { type GuestAdmission, guestAdmission, webRequestOf } from "./gate/admission.ts";
import { creationKeyOf } from "./gate/first-write.ts";
import { outageMonitor, unavailableResponse } from "./outage.ts";
import { anonymousState, type HttpRequest, type RequestState } from "./request.ts";
import { readBearer, secureCookieCheck } from "./transport.ts";

export type { GuestAdmission, RefusalReason } from "./gate/admission.ts";

/**
 * The web layer over a {@link GuestUsers}: sessions in cookies (or bearer tokens), guest
 * creation, log in and out, CSRF. Adapters and views use it; apps rarely call it directly.
 */
export interface GuestUserHttp {
  readonly guestUsers: GuestUsers;
  /**
   * Resolves who is asking: the session cookie or an `Authorization: Bearer` token of ours,
   * validated in ONE query. Unknown, expired or malformed: anonymous, never an error. A
   * refreshed session re-sends its cookie. Throws `DATABASE_UNAVAILABLE` when the database is
   * unreachable (see {@link failure}).
   */
  resolve(request: HttpRequest): Promise<RequestState>;
  /**
   * The gate: may this request get a guest? (enabled, not HEAD, no crawler, under
   * `guestCreationLimit`, not vetoed by `beforeGuestCreated`). Counts one creation against the
   * limit when it says yes.
   */
  admitGuest(request: HttpRequest, state: RequestState): Promise<GuestAdmission>;
  /**
   * What `allowGuestUser` does: an anonymous visitor gets a guest when the gate admits it. With
   * `createGuests: "onWrite"` a safe request (GET, HEAD, OPTIONS) only marks
   * `state.guestPending`, and an unsafe one creates the guest only when it passes the CSRF
   * check. Returns the guest made (or found for this browser), or null.
   */
  maybeCreateGuestUser(request: HttpRequest, state: RequestState): Promise<User | null>;
  /**
   * Makes the anonymous visitor a guest now, whatever the method or mode (for apps that write
   * on GET), when the gate admits it; returns the current user (guest or registered) or null.
   */
  ensureGuest(request: HttpRequest, state: RequestState): Promise<User | null>;
  /** Logs a user in with a NEW session (the old one is ended): call after login and conversion. */
  logIn(request: HttpRequest, state: RequestState, user: User): Promise<Session>;
  /** Ends the current session and clears the cookie. */
  logOut(request: HttpRequest, state: RequestState): Promise<void>;
  /** The token for a form's hidden `csrf_token` field. */
  csrfToken(request: HttpRequest, state: RequestState): string;
  /** Checks a submitted `csrf_token`. */
  verifyCsrf(request: HttpRequest, state: RequestState, submitted: unknown): boolean;
  /**
   * The answer to a failure every adapter answers the same way: a 503 with `Retry-After` (one
   * log line per outage) for `DATABASE_UNAVAILABLE`; the error's own status (400, 413, 415,
   * nothing logged) for a body that could not be taken (`BodyError`: malformed, too large, too
   * deep, unsupported); null for anything else (rethrow it: 500 from the framework's error
   * handling).
   */
  failure(request: HttpRequest, error: unknown): Response | null;
}

/**
 * The secret the web layer signs with: `secret` (or `GUEST_USER_SECRET`), else outside
 * production the development secret kept in `developmentSecretFile`; throws `INVALID_CONFIG`
 * when there is none (in production), before anything is served.
 */
export function webSecret(settings: Settings): string {
  const file = settings.developmentSecretFile;
  const secret = settings.secret ?? (file && developmentSecret(file, settings.logger));
  if (secret) return secret;
  throw new InvalidConfigError(
    "secret",
    `No session cookie secret configured: set ${ENVIRONMENT.secret} or pass \`secret\` to createGuestUsers() (at least 32 random characters, e.g. from \`openssl rand -base64 32\`). NODE_ENV is "production", so none is generated.`,
  );
}

/**
 * Creates the web layer. Throws `INVALID_CONFIG` when no secret is configured in production
 * (`GUEST_USER_SECRET`, or the development secret outside production).
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
  const { cookie } = settings;
  const secret = webSecret(settings);
  const outage = outageMonitor(settings.logger);
  const secureFor = secureCookieCheck(cookie.secure, settings.logger);

  const cookieFor = (state: RequestState, name: string, value: string, maxAge?: number) =>
    serializeCookie(name, value, {
      httpOnly: true,
      sameSite: "Lax",
      secure: state.secure,
      path: cookie.path,
      domain: cookie.domain ?? undefined,
      maxAge,
    });
  /** Queues the session's cookie (a bearer client gets none). */
  const sendSession = (state: RequestState, session: Session) => {
    if (state.via === "bearer") return;
    const maxAge = Math.round((session.expiresAt - settings.clock()) / 1000);
    state.setCookies.push(cookieFor(state, cookie.name, session.token, maxAge));
  };
  const csrf = csrfProtection(secret, `${cookie.name}_csrf`, cookieFor);
  const gate = guestAdmission(guestUsers, csrf.verify);

  /** `expiresAt`: the guest's deadline (see {@link RequestState.expiresAt}); null otherwise. */
  const setUser = (state: RequestState, user: User, session: Session, expiresAt: number | null) => {
    state.user = user;
    state.isGuest = user.isGuest;
    state.expiresAt = user.isGuest ? expiresAt : null;
    state.token = session.token;
    state.via = state.via === "bearer" ? "bearer" : "cookie";
  };

  /** Creates (or, for the same browser's parallel first writes, finds) the guest and logs it in. */
  const createGuest = async (request: HttpRequest, state: RequestState) => {
    const { user, session } = await reaching(
      guestUsers.createGuestSession({
        request: () => webRequestOf(request),
        creationKey: creationKeyOf(secret, csrf.seed(request, state), csrf.provenPage(state)),
      }),
    );
    // Made now (or by this browser's parallel first write a moment ago): nothing kept yet.
    const since = user.createdAt ?? settings.clock();
    const times = { createdAt: since, lastSeenAt: since };
    setUser(state, user, session, guestExpiresAt(times, settings, false));
    state.guestPending = false;
    state.guestCreatedHere = true;
    sendSession(state, session);
    return user;
  };

  /** Creates the guest the gate admitted, or keeps its refusal on the state. */
  const admitted = (request: HttpRequest, state: RequestState, admission: GuestAdmission) => {
    if (admission.allowed) return createGuest(request, state);
    state.guestRefusal = admission;
    return null;
  };

  /** Runs a database call; its success ends an outage the monitor saw (one log line). */
  const reaching = async <T>(call: Promise<T>): Promise<T> => {
    const value = await call;
    if (outage.down) outage.recovered();
    return value;
  };
  /** A session looked up by token, or null (never throws for a bad token). */
  const lookUp = async (token: string | null) =>
    token ? reaching(guestUsers.validateSession(token)) : null;

  const http: GuestUserHttp = {
    guestUsers,
    admitGuest: gate.admit,

    async ensureGuest(request, state) {
      if (state.user) return state.user;
      return admitted(request, state, await gate.admit(request, state));
    },

    async resolve(request) {
      const state = anonymousState(request.clientAddress ?? null);
      state.secure = secureFor(request);
      const bearer = readBearer(request.headers.get("authorization"));
      const cookieToken = readCookie(request.headers.get("cookie"), cookie.name);
      const viaBearer = await lookUp(bearer);
      const found = viaBearer ?? (await lookUp(cookieToken));
      if (!found) {
        // A stale cookie is dropped so the browser stops sending it.
        if (cookieToken) state.setCookies.push(cookieFor(state, cookie.name, "", 0));
        return state;
      }
      state.via = viaBearer ? "bearer" : "cookie";
      setUser(state, found.user, found.session, found.guestExpiresAt);
      if (found.refreshed) sendSession(state, found.session);
      return state;
    },

    async maybeCreateGuestUser(request, state) {
      if (state.user) return null;
      const admission = await gate.admitVisit(request, state);
      return admission && admitted(request, state, admission);
    },

    async logIn(_request, state, user) {
      if (state.token) await guestUsers.invalidateSession(state.token);
      const session = await reaching(guestUsers.createSession(user.id));
      // Views log in registered users; a guest (an app's own flow) costs one query.
      const expiresAt = user.isGuest ? await reaching(guestUsers.expiresAt(user)) : null;
      setUser(state, user, session, expiresAt);
      sendSession(state, session);
      return session;
    },

    async logOut(_request, state) {
      if (state.token) await reaching(guestUsers.invalidateSession(state.token));
      Object.assign(state, { user: null, isGuest: false, expiresAt: null, token: null });
      state.setCookies.push(cookieFor(state, cookie.name, "", 0));
      // A new CSRF seed for the next visitor of this browser: the old one went into the key
      // that let parallel first writes find the guest just made (which `invalidateSession`
      // has ended too), and its forms must not outlive the log-out.
      csrf.rotate(state);
    },

    csrfToken: csrf.token,
    verifyCsrf: csrf.verify,

    failure(request, error) {
      if (error instanceof BodyError) return bodyErrorResponse(request, error);
      if (!(error instanceof DatabaseUnavailableError)) return null;
      outage.failed(error);
      return unavailableResponse(request);
    },
  };
  return http;
}
