import type { Request as ExpressRequest } from "express";
import type { User } from "../../core/model/types.ts";
import { guestExpiresAt } from "../../core/runtime/expiry.ts";
import { type GuestAdmission, guestAdmission, webRequestOf } from "../../http/gate/admission.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import { anonymousState, type HttpRequest, type RequestState } from "../../http/request.ts";
import { InvalidConfigError } from "../../shared/errors.ts";

/**
 * How the adapter finds, and changes, who is logged in.
 */
export interface SessionBinding {
  /** The web layer: the given one, or one whose log-ins go through Passport. */
  readonly http: GuestUserHttp;
  /** Resolves who is asking (once per request). */
  resolve(req: ExpressRequest): Promise<RequestState>;
  /** True when the adapter sets `req.user` (cookie mode); in Passport mode Passport does. */
  readonly setsUser: boolean;
}

type Done = (error?: unknown) => void;

/** What Passport (>= 0.6) and express-session add to a request, as far as we use it. */
interface PassportRequest {
  login(user: User, done: Done): void;
  logout(done: Done): void;
  session: { guestUser?: User; cookie?: { expires?: Date | null | undefined } };
}

const SETUP =
  'login: "passport" needs express-session and Passport before the guest-user middlewares: app.use(session({ ... })); app.use(passport.session());';

function passportOf(req: ExpressRequest): ExpressRequest & PassportRequest {
  const candidate: Partial<PassportRequest> = req as Partial<PassportRequest>;
  const ok = typeof candidate.login === "function" && typeof candidate.logout === "function";
  if (ok && candidate.session) return req as ExpressRequest & PassportRequest;
  throw new InvalidConfigError("login", SETUP);
}

const promised = (call: (done: Done) => void) =>
  new Promise<void>((resolve, reject) => call((error) => (error ? reject(error) : resolve())));

/**
 * Logins kept by express-session + Passport instead of our cookie: a new, converted or
 * logged-in user is stored with `req.login(user)` (Passport >= 0.6 regenerates the session),
 * the current one is Passport's `req.user` (anything with an `id`). Our view of that user, with
 * its guest flag, is cached in `req.session.guestUser`: only a new login costs a query, and a
 * guest's request one more for its deadline (`state.expiresAt`: Passport's session is not
 * ours, so no lookup of ours reads it). The
 * returned `http` (give it to the views) finds the Express request from the state it resolved.
 * Its `resolve()` throws: requests are resolved by the adapter's middlewares.
 */
export function passportBinding(base: GuestUserHttp): SessionBinding {
  const { guestUsers } = base;
  const requests = new WeakMap<RequestState, ExpressRequest & PassportRequest>();
  const requestOf = (state: RequestState) => {
    const req = requests.get(state);
    if (!req) throw new InvalidConfigError("login", `${SETUP} Use the state the adapter resolved.`);
    return req;
  };
  const logIn = async (state: RequestState, user: User, expiresAt: number | null) => {
    const req = requestOf(state);
    await promised((done) => req.login(user, done));
    req.session.guestUser = user;
    Object.assign(state, { user, isGuest: user.isGuest, expiresAt, token: null, via: "cookie" });
  };
  /** A guest's deadline (one query), null for anyone else. */
  const deadlineOf = (user: User) =>
    user.isGuest ? guestUsers.expiresAt(user) : Promise.resolve(null);
  const gate = guestAdmission(guestUsers, base.verifyCsrf);
  /** Creates the guest the gate admitted and logs it in through Passport, or keeps the refusal. */
  const admitted = async (
    request: HttpRequest,
    state: RequestState,
    admission: GuestAdmission,
  ): Promise<User | null> => {
    if (!admission.allowed) {
      state.guestRefusal = admission;
      return null;
    }
    const user = await guestUsers.createGuestUser({ request: () => webRequestOf(request) });
    const since = user.createdAt ?? guestUsers.settings.clock();
    const times = { createdAt: since, lastSeenAt: since };
    await logIn(state, user, guestExpiresAt(times, guestUsers.settings, false));
    state.guestCreatedHere = true;
    return user;
  };
  const http: GuestUserHttp = {
    ...base,
    resolve() {
      throw new InvalidConfigError(
        "login",
        'With login: "passport" the Express adapter resolves requests.',
      );
    },
    async ensureGuest(request, state) {
      if (state.user) return state.user;
      requestOf(state);
      return admitted(request, state, await gate.admit(request, state));
    },
    async maybeCreateGuestUser(request, state) {
      if (state.user) return null;
      const admission = await gate.admitVisit(request, state);
      if (!admission) return null;
      requestOf(state);
      return admitted(request, state, admission);
    },
    async logIn(_request, state, user) {
      await logIn(state, user, await deadlineOf(user));
      // No token of ours: the express-session cookie carries the login.
      const expires = requestOf(state).session.cookie?.expires?.getTime();
      return { token: "", expiresAt: expires ?? Number.POSITIVE_INFINITY };
    },
    async logOut(_request, state) {
      const req = requestOf(state);
      await promised((done) => req.logout(done));
      Object.assign(state, { user: null, isGuest: false, expiresAt: null, token: null, via: null });
    },
  };
  return {
    http,
    setsUser: false,
    async resolve(expressReq) {
      const req = passportOf(expressReq);
      const state = anonymousState(req.ip ?? null);
      state.secure = req.protocol === "https";
      requests.set(state, req);
      const id = req.user?.id;
      if (typeof id !== "number" && typeof id !== "string") return state;
      if (req.session.guestUser?.id !== id) {
        const found = await guestUsers.getUser(id);
        if (!found) return state;
        req.session.guestUser = found;
      }
      const user = req.session.guestUser;
      const expiresAt = await deadlineOf(user);
      return Object.assign(state, { user, isGuest: user.isGuest, expiresAt, via: "cookie" });
    },
  };
}
