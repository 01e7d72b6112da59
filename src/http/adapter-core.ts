import { isClientAbort } from "./client-abort.ts";
import type { Guard } from "./guards.ts";
import type { GuestUserHttp } from "./guest-user-http.ts";
import { type WebHandler, withCookies } from "./handler.ts";
import type { HttpRequest, RequestState } from "./request.ts";

/**
 * What an adapter tells the core about its framework's request (`Req`: Hono's context,
 * Fastify's or Express's request): how to read it, where the state of this request is kept,
 * and how to publish the state where handlers look (the Hono adapter's is the shortest).
 * Everything else is the core's.
 */
export interface FrameworkBinding<Req> {
  /** The cheap {@link HttpRequest} view of the request (kept on it: built once). */
  view(req: Req): HttpRequest;
  /** The state an earlier middleware of this request resolved (its `session()`), if any. */
  stored(req: Req): RequestState | null | undefined;
  /** Resolves who is asking (one query at most). */
  resolve(req: Req): Promise<RequestState>;
  /**
   * Puts the state where the app's handlers and templates look (`c.var`, `req.user`...) and,
   * where the framework allows it at this point, the state's pending cookies on the response.
   */
  publish(req: Req, state: RequestState): void;
}

/**
 * A failure's answer: the Response to send (see {@link GuestUserHttp.failure}),
 * {@link CLIENT_GONE} (nobody to answer, nothing to log), or null: rethrow it.
 */
export type FailureAnswer = Response | typeof CLIENT_GONE | null;

/** {@link FailureAnswer} for a client that went away. */
export const CLIENT_GONE = "client-gone";

/**
 * The {@link FailureAnswer} to a failure, the same for every adapter (`gone`: the framework saw
 * the client's connection close).
 */
export function failureAnswer(
  http: GuestUserHttp,
  request: HttpRequest,
  error: unknown,
  gone: boolean,
): FailureAnswer {
  if (gone || isClientAbort(error)) return CLIENT_GONE;
  return http.failure(request, error);
}

/**
 * The framework-free part of every adapter: resolve the visitor once per request, run a
 * guard, run a helper or a {@link WebHandler} on the state, publishing it after each, and
 * answer failures. The adapter only translates its framework's request (a
 * {@link FrameworkBinding}) and response (a redirect, a sent Response, cookies).
 */
export function adapterCore<Req>(http: GuestUserHttp, framework: FrameworkBinding<Req>) {
  /** The state of this request: the one `session()` resolved, else resolved now; published. */
  const stateOf = async (req: Req): Promise<RequestState> => {
    const state = framework.stored(req) ?? (await framework.resolve(req));
    framework.publish(req, state);
    return state;
  };
  /** A helper of the web layer on the framework's request (`ensureGuest`, `csrfToken`...). */
  const helper =
    <T>(make: (request: HttpRequest, state: RequestState) => T | Promise<T>) =>
    async (req: Req): Promise<T> => {
      // stateOf inlined: a returning visitor's guard awaits no more than before the core.
      const state = framework.stored(req) ?? (await framework.resolve(req));
      framework.publish(req, state);
      const result = await make(framework.view(req), state);
      framework.publish(req, state);
      return result;
    };
  return {
    stateOf,
    helper,
    /** A guard on the framework's request: the redirect's location, or null to let it through. */
    guard: (check: Guard) => helper((request, state) => check(http, request, state)),
    /**
     * Runs a {@link WebHandler} on the Web Request `toRequest` builds from `req` (after the
     * visitor is resolved); the pending cookies go with its Response.
     */
    async serve(
      handler: WebHandler,
      req: Req,
      toRequest: (req: Req) => Request,
    ): Promise<Response> {
      const state = await stateOf(req);
      const response = await handler(toRequest(req), { http, state });
      framework.publish(req, state);
      return withCookies(response, state);
    },
    /** The answer to a failure of this request (see {@link failureAnswer}). */
    failure: (req: Req, error: unknown, gone = false): FailureAnswer =>
      failureAnswer(http, framework.view(req), error, gone),
  };
}

/** What {@link adapterCore} returns. */
export type AdapterCore<Req> = ReturnType<typeof adapterCore<Req>>;

/**
 * The whole request of a Web-native runtime (Next's route handlers and proxy,
 * `fetchHandler`): resolves the visitor once, runs `answer`, adds the pending cookies to its
 * Response, and answers failures ({@link failureAnswer}; an empty 400 for a client gone).
 */
export async function answerWebRequest(
  http: GuestUserHttp,
  view: HttpRequest,
  signal: AbortSignal | null,
  answer: (state: RequestState) => Promise<Response>,
): Promise<Response> {
  try {
    const state = await http.resolve(view);
    return withCookies(await answer(state), state);
  } catch (error) {
    const verdict = failureAnswer(http, view, error, signal?.aborted === true);
    if (verdict === CLIENT_GONE) return new Response(null, { status: 400 });
    if (verdict === null) throw error;
    return verdict;
  }
}
