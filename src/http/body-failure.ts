import type { BodyError } from "../shared/errors.ts";
import { escapeHtml } from "./escape.ts";
import type { HttpRequest } from "./request.ts";
import { isJsonContentType, prefersJson } from "./views/negotiate.ts";

const TITLES: { readonly [Status in BodyError["status"]]: string } = {
  400: "Bad request",
  413: "Request too large",
  415: "Unsupported media type",
};

/**
 * The answer to a body the library could not take ({@link BodyError}): its status (400, 413
 * or 415), `{ error: { code, message } }` for JSON clients (they asked for JSON or sent it),
 * else a short HTML page; never cached, never logged (the client's mistake, not ours).
 *
 * @example
 * ```ts
 * if (error instanceof BodyError) return bodyErrorResponse(request, error);
 * ```
 */
export function bodyErrorResponse(request: HttpRequest, error: BodyError): Response {
  const headers = { "cache-control": "no-store" };
  const { status, code, message } = error;
  const json =
    prefersJson(request.headers.get("accept")) ||
    isJsonContentType(request.headers.get("content-type"));
  if (json) return Response.json({ error: { code, message } }, { status, headers });
  const title = TITLES[status];
  return new Response(
    `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${escapeHtml(message)}</p>`,
    { status, headers: { ...headers, "content-type": "text/html; charset=utf-8" } },
  );
}
