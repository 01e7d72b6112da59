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

/** The client as seen through the trusted proxies. */
export interface ClientInfo {
  /** The client's address, or null when the socket's is unknown. */
  readonly address: string | null;
  /** The request URL with the protocol the client used (`X-Forwarded-Proto` of a trusted proxy). */
  readonly url: string;
}

type Trust = (address: string, hop: number) => boolean;

/** Compiles a {@link TrustProxy} setting (as Express does) into a test per address and hop. */
export function compileTrust(setting: TrustProxy | undefined): Trust {
  if (setting === undefined || setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === "function") return setting;
  if (typeof setting === "number") return (_address, hop) => hop < setting;
  const list = typeof setting === "string" ? setting.split(",").map((s) => s.trim()) : [...setting];
  return proxyAddr.compile(list);
}

/** True when proxy-addr can compile `setting`: a known shape, names and addresses it knows. */
function compiles(setting: unknown): boolean {
  try {
    return typeof compileTrust(setting as TrustProxy) === "function";
  } catch {
    return false;
  }
}

/**
 * The schema of a `trustProxy` option: a {@link TrustProxy} (never trusting by default),
 * compiled; a shape, name or address proxy-addr does not know is refused at start-up.
 */
export const trustProxyOption = v.optional(
  v.pipe(
    accepted<TrustProxy>(
      compiles,
      'true, false, a hop count, addresses or CIDRs (such as "loopback, 10.0.0.0/8") or a function',
    ),
    v.transform((setting: TrustProxy) => compileTrust(setting)),
  ),
  false,
);

/**
 * The client's address and protocol behind trusted proxies, from the socket's address and the
 * `X-Forwarded-For` / `X-Forwarded-Proto` headers (read only when the socket's peer is a
 * trusted proxy). Uses proxy-addr, the library Express uses for `trust proxy`.
 *
 * @example
 * ```ts
 * const { address, url } = clientInfo(request, socketAddress, compileTrust(1));
 * ```
 */
export function clientInfo(
  request: { readonly url: string; readonly headers: { get(name: string): string | null } },
  socketAddress: string | null,
  trust: Trust,
): ClientInfo {
  if (!socketAddress || !trust(socketAddress, 0))
    return { address: socketAddress, url: request.url };
  const forwardedFor = request.headers.get("x-forwarded-for");
  const address = proxyAddr(
    {
      headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
      socket: { remoteAddress: socketAddress },
      connection: { remoteAddress: socketAddress },
    } as unknown as Parameters<typeof proxyAddr>[0],
    trust,
  );
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  let url = request.url;
  if ((proto === "https" || proto === "http") && !url.startsWith(`${proto}:`)) {
    url = `${proto}${url.slice(url.indexOf(":"))}`;
  }
  return { address, url };
}

/**
 * The {@link HttpRequest} view of a Web `Request` for fetch-style runtimes and Hono: the
 * client's address and protocol through the trusted proxies, the body's fields read from a
 * clone (the handler still gets the body).
 *
 * @example
 * ```ts
 * const view = webRequestView(request, "127.0.0.1", compileTrust("loopback"));
 * ```
 */
export function webRequestView(
  request: Request,
  socketAddress: string | null,
  trust: Trust,
): HttpRequest {
  const client = clientInfo(request, socketAddress, trust);
  return {
    method: request.method,
    url: client.url,
    headers: request.headers,
    clientAddress: client.address,
    toWebRequest: () => request,
    formField: (name) => bodyField(request, name),
  };
}
