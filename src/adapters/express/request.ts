import { Readable } from "node:stream";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";
import { assertJsonDepth } from "../../http/body-depth.ts";
import { parsedField } from "../../http/gate/first-write.ts";
import type { HttpRequest } from "../../http/request.ts";
import { headerLookup, viewOn, webHeaders } from "../shared.ts";

const HOST = /^(?:[\w.-]+|\[[\da-f:.]+\])(?::\d{1,5})?$/i;

/** The host as the browser sees it: `req.hostname` (trust proxy aware) with the port kept. */
function hostOf(req: ExpressRequest): string {
  const header = req.headers.host ?? "";
  const name = req.hostname || header;
  const host = header === name || header.startsWith(`${name}:`) ? header : name;
  return HOST.test(host) ? host : "unknown.invalid";
}

/**
 * The absolute URL of an Express request: `req.protocol` and `req.hostname` (both honour
 * `trust proxy`), the port of the Host header, and `req.originalUrl`.
 */
function urlOf(req: ExpressRequest): string {
  return `${req.protocol}://${hostOf(req)}${pathOf(req.originalUrl)}`;
}

/**
 * The path and query of a request target. An absolute-form target (`GET http://host/path
 * HTTP/1.1`, RFC 9112 3.2.2, what proxies send) keeps only its path and query; the host
 * comes from the Host header as for any request.
 */
function pathOf(target: string): string {
  if (target.startsWith("/")) return target;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return "/";
  }
}

/**
 * The cheap request the http layer reads: URL and header lookups, no copy; the Web `Request`
 * (without body, for the `guestCreated` event) is built only when asked for.
 */
export function httpRequestOf(req: ExpressRequest): HttpRequest {
  return viewOn(req, makeView);
}

function makeView(req: ExpressRequest): HttpRequest {
  const url = urlOf(req);
  return {
    method: req.method,
    url,
    headers: headerLookup(req.headers),
    clientAddress: req.ip ?? null,
    toWebRequest: () => new Request(url, { method: req.method, headers: webHeaders(req.headers) }),
    // A body parser's result (express.urlencoded/json); an unparsed stream is left alone.
    formField: async (name) => parsedField(req.body, name),
  };
}

function appendField(form: URLSearchParams, key: string, value: unknown): void {
  if (Array.isArray(value)) for (const item of value) appendField(form, key, item);
  else if (value !== null && typeof value === "object")
    for (const [name, item] of Object.entries(value)) appendField(form, `${key}[${name}]`, item);
  else if (value !== undefined && value !== null) form.append(key, String(value));
}

/**
 * The body for a Web `Request`: the raw stream if still unread, else `req.body` re-encoded. A
 * parsed body nested deeper than 64 levels is refused (`BODY_TOO_DEEP`) before the re-encoding
 * recurses through it; its size was already limited by the body parser.
 */
function bodyOf(req: ExpressRequest, headers: Headers): BodyInit | null {
  if (!req.readableEnded) return Readable.toWeb(req) as ReadableStream<Uint8Array>;
  const parsed: unknown = req.body;
  for (const name of ["content-length", "content-encoding", "transfer-encoding"])
    headers.delete(name);
  if (parsed === undefined || parsed === null) return null;
  if (typeof parsed === "string") return parsed;
  if (Buffer.isBuffer(parsed)) return new Uint8Array(parsed);
  assertJsonDepth(parsed);
  if (/\bjson\b/i.test(headers.get("content-type") ?? "")) return JSON.stringify(parsed);
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(parsed)) appendField(form, name, value);
  headers.set("content-type", "application/x-www-form-urlencoded;charset=UTF-8");
  return form;
}

/**
 * The full Web `Request` for a {@link WebHandler}: method, URL, headers and body. A body that
 * `express.json()`/`express.urlencoded()`/`express.raw()`/`express.text()` already parsed is
 * re-encoded (files of a parsed multipart body are lost); an unread body is streamed.
 */
export function webRequestOf(req: ExpressRequest): Request {
  const headers = webHeaders(req.headers);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const body = hasBody ? bodyOf(req, headers) : null;
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers, body };
  if (body instanceof ReadableStream) init.duplex = "half";
  return new Request(urlOf(req), init);
}

/**
 * True when the client went away before we answered: nothing to answer, nothing to log (an
 * error that says so is recognised by the adapter core, see `failureAnswer`). It asks the
 * connection (its socket closed, or the response closed before it finished), never
 * `req.destroyed`: Node sets that as soon as a body parser has read the whole body.
 */
export function clientGone(req: ExpressRequest, res: ExpressResponse): boolean {
  if (res.writableFinished) return false;
  return req.socket?.destroyed !== false || res.destroyed;
}
