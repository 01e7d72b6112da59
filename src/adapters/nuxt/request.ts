import { Readable } from "node:stream";
import { bodyField, parsedField } from "../../http/gate/first-write.ts";
import type { HttpRequest, RequestState } from "../../http/request.ts";
import { forwardedOrigin, type Trust } from "../../http/trust-proxy.ts";
import { headerLookup, viewOn, webHeaders } from "../shared.ts";
import type { H3EventLike } from "./types.ts";

/** Where h3 1.x keeps a body it read (`readRawBody`: a promise) and parsed (`readBody`). */
const RAW_BODY = Symbol.for("h3RawBody");
const PARSED_BODY = Symbol.for("h3ParsedBody");
const PAYLOAD_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const HOST = /^(?:[\w.-]+|\[[\da-f:.]+\])(?::\d{1,5})?$/i;

type BodyHolder = { [RAW_BODY]?: Promise<Buffer | undefined>; [PARSED_BODY]?: unknown };

/** The request's method, upper-case. */
export function methodOf(event: H3EventLike): string {
  return (event.web?.request?.method ?? event.node.req.method ?? "GET").toUpperCase();
}

/** The request's absolute URL: the socket's protocol (TLS or not), the Host header, the path. */
function socketUrl(event: H3EventLike): string {
  const { req } = event.node;
  const host = String(req.headers.host ?? "");
  const proto = req.socket?.encrypted ? "https" : "http";
  return `${proto}://${HOST.test(host) ? host : "localhost"}${event.path || "/"}`;
}

/**
 * The cheap {@link HttpRequest} of an h3 event, made once per request: the client's address and
 * protocol through the trusted proxies (`trust`), header lookups without a copy; the body
 * `ensureGuest` may read for `csrf_token` is the one h3 already read (`readBody`), never the
 * stream.
 */
export function eventView(
  event: H3EventLike,
  addressOf: (event: H3EventLike) => string | null,
  trust: Trust,
): HttpRequest {
  return viewOn(event, () => {
    const headers = headerLookup(event.node.req.headers as Parameters<typeof headerLookup>[0]);
    const { url, address } = forwardedOrigin(socketUrl(event), headers, addressOf(event), trust);
    return {
      method: methodOf(event),
      url,
      headers,
      clientAddress: address,
      toWebRequest: () => new Request(url, { method: methodOf(event), headers: headersOf(event) }),
      formField: (name) => readField(event, url, name),
    };
  });
}

/** A field of the body h3 already parsed or read, else null (the stream is left alone). */
async function readField(event: H3EventLike, url: string, name: string): Promise<unknown> {
  const holder = event.node.req as BodyHolder;
  if (holder[PARSED_BODY] !== undefined) return parsedField(holder[PARSED_BODY], name);
  const raw = await holder[RAW_BODY];
  if (!raw) return null;
  const request = new Request(url, {
    method: "POST",
    headers: headersOf(event),
    body: new Uint8Array(raw),
  });
  return bodyField(request, name);
}

/** The event's headers as Web `Headers`. */
function headersOf(event: H3EventLike): Headers {
  return webHeaders(event.node.req.headers as Parameters<typeof webHeaders>[0]);
}

/**
 * The event's whole Web `Request` (for a {@link WebHandler}): `event.web.request` where the
 * runtime has one, else built from Node's request, its body the bytes h3 already read or the
 * unread stream.
 */
export function webRequestOf(event: H3EventLike, view: HttpRequest): Request {
  if (event.web?.request) return event.web.request;
  const method = methodOf(event);
  const headers = headersOf(event);
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (PAYLOAD_METHODS.has(method)) {
    const holder = event.node.req as BodyHolder;
    const raw = holder[RAW_BODY];
    if (raw) {
      init.body = new ReadableStream<Uint8Array>({
        async start(controller) {
          const bytes = await raw;
          if (bytes) controller.enqueue(new Uint8Array(bytes));
          controller.close();
        },
      });
    } else if (!event.node.req.readableEnded) {
      init.body = Readable.toWeb(
        event.node.req as unknown as Readable,
      ) as ReadableStream<Uint8Array>;
    }
    if (init.body) init.duplex = "half";
  }
  return new Request(view.url, init);
}

/** The socket's address (Nitro's node server), or null. */
export function socketAddress(event: H3EventLike): string | null {
  return event.node.req.socket?.remoteAddress ?? null;
}

/**
 * Moves the state's pending `Set-Cookie` values onto Node's response, as h3's
 * `appendResponseHeader` does: whatever answers next (a value, a Response, a redirect, Nuxt's
 * page) is sent with them. Once the headers are out, they stay pending.
 */
export function flushCookies(event: H3EventLike, state: RequestState): void {
  const { res } = event.node;
  if (state.setCookies.length === 0 || res.headersSent) return;
  const current = res.getHeader("set-cookie");
  const list = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  res.setHeader("set-cookie", [...list, ...state.setCookies.splice(0)]);
}
