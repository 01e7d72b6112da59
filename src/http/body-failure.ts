import type { BodyError } from "../shared/errors.ts";
import { escapeHtml } from "./escape.ts";
import type { HttpRequest } from "./request.ts";
import { wantsJson } from "./views/negotiate.ts";

const TITLES: { readonly [Status in BodyError["status"]]: string } = {
  400: "Bad request",
  413: "Request too large",
  415: "Unsupported media type",
};

/**
 * A failure answered outside the views (no templates there): `{ error: { code, message } }`
 * for JSON clients, else a short HTML page; never cached.
 */
export function plainFailure(
  json: boolean,
  status: number,
  title: string,
  error: { readonly code: string; readonly message: string },
  extraHeaders: Record<string, string> = {},
): Response {
  const headers = { ...extraHeaders, "cache-control": "no-store" };
  const { code, message } = error;
  if (json) return Response.json({ error: { code, message } }, { status, headers });
  return new Response(
    `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${escapeHtml(message)}</p>`,
    { status, headers: { ...headers, "content-type": "text/html; charset=utf-8" } },
  );
}

/**
 * The answer to a body the library could not take ({@link BodyError}): its status (400, 413
 * or 415), JSON for clients that asked for JSON or sent it, else a short HTML page; never
 * cached, never logged (the client's mistake, not ours).
 */
export function bodyErrorResponse(request: HttpRequest, error: BodyError): Response {
  return plainFailure(wantsJson(request), error.status, TITLES[error.status], error);
}
