import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { assertJsonDepth } from "../../http/body-depth.ts";
import { parsedField } from "../../http/gate/first-write.ts";
import type { HttpRequest } from "../../http/request.ts";
import { headerLookup, webHeaders } from "../shared.ts";

const FORM = "application/x-www-form-urlencoded";
const SKIPPED_HEADERS = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
]);

/**
 * The absolute URL of a Fastify request (honouring `trustProxy` through `request.protocol` and
 * `request.host`). A Host header no URL accepts gives `<protocol>://invalid/`, never an error.
 */
function absoluteUrl(request: FastifyRequest): string {
  try {
    return new URL(`${request.protocol}://${request.host || "invalid"}${request.url}`).href;
  } catch {
    return `${request.protocol}://invalid/`;
  }
}

/**
 * The cheap {@link HttpRequest} view of a Fastify request the web layer reads on every hit.
 */
export function httpRequestOf(request: FastifyRequest): HttpRequest {
  return {
    method: request.method,
    url: absoluteUrl(request),
    headers: headerLookup(request.headers),
    clientAddress: request.ip ?? null,
    toWebRequest: () => toWebRequest(request),
    // Guards run as preHandlers, after Fastify parsed the body.
    formField: async (name) => parsedField(request.body, name),
  };
}

/**
 * Re-encodes a body Fastify already parsed: forms as URL-encoded, other objects as JSON. A
 * body nested deeper than 64 levels is refused (`BODY_TOO_DEEP`) before `JSON.stringify`
 * recurses through it; its size was already limited by Fastify's `bodyLimit`.
 */
function encodeBody(request: FastifyRequest): BodyInit | null {
  const { body } = request;
  if (request.method === "GET" || request.method === "HEAD" || body == null) return null;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new Uint8Array(body);
  assertJsonDepth(body);
  if (
    typeof body === "object" &&
    String(request.headers["content-type"]).toLowerCase().startsWith(FORM)
  ) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(body)) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
    }
    return params;
  }
  return JSON.stringify(body);
}

/**
 * Builds a Web `Request` from a Fastify request: URL, method, headers and the (re-encoded) body.
 */
export function toWebRequest(request: FastifyRequest): Request {
  return new Request(absoluteUrl(request), {
    method: request.method,
    headers: webHeaders(request.headers, SKIPPED_HEADERS),
    body: encodeBody(request),
  });
}

/**
 * Sends a Web `Response` through a Fastify reply: status, headers (every `Set-Cookie` kept) and body.
 */
export async function sendResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.code(response.status);
  for (const [name, value] of response.headers)
    if (name !== "set-cookie") reply.header(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header("set-cookie", cookies);
  return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
}

/**
 * Parses `application/x-www-form-urlencoded` bodies (as `@fastify/formbody` does: a value, or
 * an array for a repeated field) unless a parser for them is already registered.
 */
export function addFormBodyParser(app: FastifyInstance): void {
  if (app.hasContentTypeParser(FORM)) return;
  app.addContentTypeParser(FORM, { parseAs: "string" }, (_request, body, done) => {
    const fields: Record<string, string | string[]> = Object.create(null);
    for (const [name, value] of new URLSearchParams(String(body))) {
      const previous = fields[name];
      fields[name] =
        previous === undefined
          ? value
          : [...(Array.isArray(previous) ? previous : [previous]), value];
    }
    done(null, fields);
  });
}
