import * as v from "valibot";
import { type EntriesOf, optionBag, parseOptions } from "../shared/option-schema.ts";
import { aFunction } from "../shared/option-values.ts";
import { answerWebRequest } from "./adapter-core.ts";
import type { Guard } from "./guards.ts";
import type { GuestUserHttp } from "./guest-user-http.ts";
import { applyGuards, type WebHandler } from "./handler.ts";
import { type TrustProxy, trustProxyOption, webRequestView } from "./trust-proxy.ts";

/** Options of {@link fetchHandler}. */
export interface FetchHandlerOptions<Extra extends unknown[] = unknown[]> {
  /**
   * The socket's address of the client (or of the nearest proxy), from the runtime: Bun's
   * `server.requestIP(request)?.address`, Deno's `info.remoteAddr.hostname`. Limits need it.
   * @default () => null (unknown: `guestCreationLimit` cannot apply)
   * @example clientAddress: (request, server) => server.requestIP(request)?.address ?? null
   */
  readonly clientAddress?: (request: Request, ...extra: Extra) => string | null;
  /**
   * Which proxies to believe for the client's address and protocol (`X-Forwarded-For`,
   * `X-Forwarded-Proto`): a hop count, addresses/CIDRs or proxy-addr names. Never by default.
   * @default false
   * @example trustProxy: "loopback"
   */
  readonly trustProxy?: TrustProxy;
}

type ClientAddress = (request: Request, ...extra: unknown[]) => string | null;

const FETCH_HANDLER = optionBag({
  clientAddress: v.optional(
    aFunction<ClientAddress>("a function returning the client's address (or null)"),
    () => () => null,
  ),
  trustProxy: trustProxyOption,
} satisfies EntriesOf<FetchHandlerOptions>);

/**
 * A complete fetch-style handler: resolves the state, then runs the guards and the handler as `guarded()` does. For
 * `Bun.serve`, Deno, Cloudflare-style runtimes or tests. Arguments after the request (Bun's
 * server, Deno's connection info) reach `options.clientAddress`. While the database is
 * unreachable it answers 503 with `Retry-After`.
 *
 * @example
 * ```ts
 * const fetch = fetchHandler(http, [allowGuestUser()], async (req, { state }) => new Response(state.user?.username), {
 *   clientAddress: (request, server: Bun.Server) => server.requestIP(request)?.address ?? null,
 * });
 * ```
 */
export function fetchHandler<Extra extends unknown[] = unknown[]>(
  http: GuestUserHttp,
  guards: readonly Guard[],
  handler: WebHandler,
  options: FetchHandlerOptions<Extra> = {},
) {
  const { clientAddress, trustProxy } = parseOptions(FETCH_HANDLER, options, "fetchHandler()");
  return async (request: Request, ...extra: Extra): Promise<Response> => {
    const view = webRequestView(request, clientAddress(request, ...extra) ?? null, trustProxy);
    return answerWebRequest(http, view, request.signal, async (state) => {
      const context = { http, state };
      return (await applyGuards(guards, view, context)) ?? handler(request, context);
    });
  };
}
