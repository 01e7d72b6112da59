import type { Guard } from "./guards.ts";
import type { GuestUserHttp } from "./guest-user-http.ts";
import type { HttpRequest, RequestState } from "./request.ts";

/** What a Web handler gets besides the request: the web layer and who is asking. */
export interface HandlerContext {
  readonly http: GuestUserHttp;
  readonly state: RequestState;
}

/**
 * A framework-free handler on Web Request/Response. Views, `View.asView()` and guarded
 * handlers all have this shape; every adapter can mount one.
 */
export type WebHandler = (request: Request, context: HandlerContext) => Promise<Response>;

/** A route of the built-in views (convert, login, logout, signup). */
export interface WebRoute {
  readonly methods: readonly ("GET" | "POST")[];
  /** An exact path such as `/convert/`. */
  readonly path: string;
  readonly handler: WebHandler;
}

/** Adds the state's pending Set-Cookie values to a response (new session, CSRF seed...). */
export function withCookies(response: Response, state: RequestState): Response {
  if (state.setCookies.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const cookie of state.setCookies) headers.append("set-cookie", cookie);
  state.setCookies.length = 0;
  const { status, statusText } = response;
  return new Response(response.body, { status, statusText, headers });
}

/**
 * Runs guards, then the handler; a guard's redirect answers instead. The state must come from
 * `http.resolve(request)` (adapters do it once per request, in their session middleware).
 *
 * @example
 * ```ts
 * const page = guarded([regularUserRequired()], async (request, { state }) => new Response(`Hi ${state.user?.username}`));
 * ```
 */
export function guarded(guards: readonly Guard[], handler: WebHandler): WebHandler {
  return async (request, context) =>
    (await applyGuards(guards, request, context)) ??
    withCookies(await handler(request, context), context.state);
}

/**
 * Runs guards in order: the first redirect answers (a 302 carrying the pending cookies),
 * `null` means every guard let the request through. The one place guards are applied: the
 * function guards, the mixins and the decorators all go through it.
 */
export async function applyGuards(
  guards: readonly Guard[],
  request: HttpRequest,
  context: HandlerContext,
): Promise<Response | null> {
  for (const guard of guards) {
    const location = await guard(context.http, request, context.state);
    if (location === null) continue;
    if (typeof location !== "string") return withCookies(location, context.state);
    return withCookies(new Response(null, { status: 302, headers: { location } }), context.state);
  }
  return null;
}
