import { answerWebRequest } from "../../http/adapter-core.ts";
import type { Guard } from "../../http/guards.ts";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import { applyGuards, type WebRoute } from "../../http/handler.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import { compileTrust, webRequestView } from "../../http/trust-proxy.ts";
import { accountViews } from "../../http/views/index.ts";
import { routeTable, withoutTrailingSlash } from "../shared.ts";
import type {
  GuardedRouteHandler,
  NextHeaderList,
  NextRouteHandler,
  NextRouteHandlers,
} from "./types.ts";

type AddressOf = (headers: NextHeaderList) => string | null;

const NO_PROXY = compileTrust(false);

/**
 * Resolves the visitor of a route handler's (or the proxy's) `Request`, runs `body`, and adds
 * the pending cookies to its response; failures are answered by {@link answerWebRequest}.
 */
export function running(
  http: GuestUserHttp,
  request: Request,
  addressOf: AddressOf,
  body: (view: HttpRequest, state: RequestState) => Promise<Response>,
): Promise<Response> {
  // Next builds `request.url` from `X-Forwarded-Proto`/`-Host` (filled in when absent).
  const view = webRequestView(request, addressOf(request.headers), NO_PROXY);
  return answerWebRequest(http, view, request.signal, (state) => body(view, state));
}

/**
 * A Next route handler running `guard`, then `handler` with the visitor; a guard's redirect
 * answers instead (302 with the cookies).
 */
export function guardedRouteHandler(
  http: GuestUserHttp,
  guard: Guard,
  handler: GuardedRouteHandler,
  addressOf: AddressOf,
): NextRouteHandler {
  return (request, next) =>
    running(http, request, addressOf, async (view, state) => {
      const redirect = await applyGuards([guard], view, { http, state });
      if (redirect) return redirect;
      return handler(request, { user: state.user, isGuest: state.isGuest, state, http, next });
    });
}

/**
 * `GET`/`POST`/`HEAD` route handlers serving `routes` by path and method (HEAD as GET): an
 * unknown path answers 404, a known path with another method 405 with `Allow`.
 *
 * @default routes accountViews(http)
 */
export function routeHandlers(
  http: GuestUserHttp,
  routes: readonly WebRoute[] = accountViews(http),
  addressOf: AddressOf,
): NextRouteHandlers {
  const table = routeTable(routes, (handler) => handler, withoutTrailingSlash);
  const handle: NextRouteHandler = async (request) => {
    const methods = table.get(withoutTrailingSlash(new URL(request.url).pathname));
    if (!methods) return new Response("Not Found", { status: 404 });
    const handler = methods.get(request.method === "HEAD" ? "GET" : request.method);
    if (!handler) {
      const allow = [...methods.keys()].join(", ");
      return new Response("Method Not Allowed", { status: 405, headers: { allow } });
    }
    return running(http, request, addressOf, (_view, state) => handler(request, { http, state }));
  };
  return { GET: handle, POST: handle, HEAD: handle };
}
