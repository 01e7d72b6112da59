import proxyAddr from "proxy-addr";
import * as v from "valibot";
import { accepted } from "../shared/option-schema.ts";
import { bodyField } from "./gate/first-write.ts";
import type { HttpRequest } from "./request.ts";

/**
 * Which proxies in front of the app to believe: a hop count (`1`: the nearest one), an
 * address, CIDR range or proxy-addr name (`"loopback"`, `"uniquelocal"`), a list of those,
 * or a function. Never set: `X-Forwarded-*` headers are ignored (the default).
 *
 * @example
 * ```ts
 * guestUserHono(guestUsers, { trustProxy: ["loopback", "10.0.0.0/8"] });
 * ```
 */
export type TrustProxy =
  | boolean
  | number
  | string
  | readonly string[]
  | ((address: string, hop: number) => boolean);

/** A compiled {@link TrustProxy}: is the proxy at `address`, `hop` hops away, trusted? */
export type Trust = (address: string, hop: number) => boolean;

/** Compiles a {@link TrustProxy} setting (as Express does) into a test per address and hop. */
export function compileTrust(setting: TrustProxy | undefined): Trust {
  if (setting === undefined || setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === "function") return setting;
  if (typeof setting === "number") return (_address, hop) => hop < setting;
  const list = typeof setting === "string" ? setting.split(",").map((s) => s.trim()) : [...setting];
  return proxyAddr.compile(list);
}

/**
 * The schema of a `trustProxy` option: a {@link TrustProxy} (never trusting by default),
 * compiled; a shape, name or address proxy-addr does not know is refused at start-up.
 */
export const trustProxyOption = v.optional(
  v.pipe(
    accepted<TrustProxy>((setting) => {
      try {
        return typeof compileTrust(setting as TrustProxy) === "function";
      } catch {
        return false; // a shape, name or address proxy-addr does not know
      }
    }, 'true, false, a hop count, addresses or CIDRs (such as "loopback, 10.0.0.0/8") or a function'),
    v.transform((setting: TrustProxy) => compileTrust(setting)),
  ),
  false,
);

/**
 * The {@link HttpRequest} view of a Web `Request` for fetch-style runtimes and Hono: the
 * client's address and protocol behind trusted proxies, from the socket's address and the
 * `X-Forwarded-For` / `X-Forwarded-Proto` headers (read only when the socket's peer is a
 * trusted proxy; proxy-addr, the library Express uses for `trust proxy`), the body's fields
 * read from a clone (the handler still gets the body).
 */
export function webRequestView(
  request: Request,
  socketAddress: string | null,
  trust: Trust,
): HttpRequest {
  const { url, address } = forwardedOrigin(request.url, request.headers, socketAddress, trust);
  return {
    method: request.method,
    url,
    headers: request.headers,
    clientAddress: address,
    toWebRequest: () => request,
    formField: (name) => bodyField(request, name),
  };
}

/**
 * The client's address and the request's URL behind trusted proxies: `X-Forwarded-For` and
 * `X-Forwarded-Proto` are read only when the socket's peer is a trusted proxy (proxy-addr,
 * the library Express uses for `trust proxy`); otherwise the socket's address and `url`.
 */
export function forwardedOrigin(
  url: string,
  headers: HttpRequest["headers"],
  socketAddress: string | null,
  trust: Trust,
): { readonly url: string; readonly address: string | null } {
  if (!socketAddress || !trust(socketAddress, 0)) return { url, address: socketAddress };
  const forwardedFor = headers.get("x-forwarded-for");
  const address = proxyAddr(
    {
      headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
      socket: { remoteAddress: socketAddress },
      connection: { remoteAddress: socketAddress },
    } as unknown as Parameters<typeof proxyAddr>[0],
    trust,
  );
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if ((proto === "https" || proto === "http") && !url.startsWith(`${proto}:`)) {
    return { url: `${proto}${url.slice(url.indexOf(":"))}`, address };
  }
  return { url, address };
}
