import { BodyError } from "../../shared/errors.ts";
import { isClientAbort } from "../client-abort.ts";
import { type WebHandler, withCookies } from "../handler.ts";
import { wantsJson } from "./negotiate.ts";
import { errorResponse, methodNotAllowed } from "./respond.ts";
import type { Exchange, ExchangeHandler, ViewKit } from "./view-kit.ts";

/**
 * The request header by which an API client without a session asks for bearer tokens:
 * `X-Session-Transport: bearer`. Login, sign-up, convert and the guest endpoint then answer
 * `{ token, expiresAt }` in JSON and set no cookie.
 */
export const TRANSPORT_HEADER = "x-session-transport";

/** Runs `answer`; should it throw too (a replaced template failing), a plain-text 500. */
function lastResort(exchange: Exchange, answer: () => Response): Response {
  try {
    return answer();
  } catch (error) {
    exchange.kit.settings.logger.error("guest-user: the error page itself failed", error);
    return new Response("Internal Server Error", {
      status: 500,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
}

/** A view's code per method, and `refuse`: the answer to a visitor who may not use it, or null. */
type ViewHandlers = Partial<Record<"GET" | "POST", ExchangeHandler>> & {
  readonly refuse?: (exchange: Exchange) => Response | null;
};

/**
 * Makes a {@link WebHandler} from per-method code, each method behind `refuse`: HEAD runs GET;
 * other methods get 405 with `Allow`; any throw becomes a status page (never a stack trace);
 * the state's Set-Cookie values go on every answer.
 */
export function defineView(kit: ViewKit, handlers: ViewHandlers): WebHandler {
  const allowed = (["GET", "POST"] as const).filter((method) => handlers[method]);
  return async (request, { state }) => {
    // A custom header cannot be sent cross-site without a CORS preflight, so this opens no
    // CSRF path; a request already authenticated by cookie keeps its cookie.
    if (state.via === null && request.headers.get(TRANSPORT_HEADER)?.toLowerCase() === "bearer") {
      state.via = "bearer";
    }
    const exchange: Exchange = {
      kit,
      request,
      state,
      url: new URL(request.url),
      json: wantsJson(request),
    };
    let response: Response;
    try {
      const method = request.method.toUpperCase() === "HEAD" ? "GET" : request.method.toUpperCase();
      const handler = method === "GET" || method === "POST" ? handlers[method] : undefined;
      response = handler
        ? (handlers.refuse?.(exchange) ?? (await handler(exchange)))
        : methodNotAllowed(exchange, allowed);
    } catch (error) {
      // A client that hung up mid-body is no server failure: nothing to log, nobody to answer.
      if (request.signal.aborted || isClientAbort(error))
        return new Response(null, { status: 400 });
      // A database outage: 503 + Retry-After, logged once per outage (not per request). A body
      // the view could not take gets the view's own error page (errorResponse), not the bare one.
      response =
        (error instanceof BodyError ? null : kit.http.failure(request, error)) ??
        lastResort(exchange, () => errorResponse(exchange, error));
    }
    return withCookies(response, state);
  };
}
