import { checkOptionKeys, type KeysOf } from "../shared/option-keys.ts";
import type { GuestUserExpressOptions } from "./express/index.ts";
import type { GuestUserFastifyOptions } from "./fastify/types.ts";
import type { GuestUserHonoOptions } from "./hono/types.ts";
import type { GuestUserProxyOptions } from "./next/next-proxy.ts";
import type { GuestUserNextOptions } from "./next/types.ts";

/**
 * The option keys of each adapter's entry point, for the unknown-option check: each spec
 * `satisfies KeysOf<...>` its option type, so an option added without its key here does not
 * compile. Every value is taken as it is (`http` is a web layer, the others functions or
 * scalars): none is looked into.
 */

/** The keys of {@link GuestUserExpressOptions}. */
export const EXPRESS_OPTION_KEYS = {
  login: true,
  http: true,
} as const satisfies KeysOf<GuestUserExpressOptions>;

/** The keys of {@link GuestUserHonoOptions}. */
export const HONO_OPTION_KEYS = {
  http: true,
  clientAddress: true,
  trustProxy: true,
} as const satisfies KeysOf<GuestUserHonoOptions>;

/** The keys of {@link GuestUserFastifyOptions}. */
export const FASTIFY_OPTION_KEYS = {
  http: true,
  formBody: true,
} as const satisfies KeysOf<GuestUserFastifyOptions>;

/** The keys of {@link GuestUserNextOptions} (`headers` and `cookies` from `next/headers`). */
export const NEXT_OPTION_KEYS = {
  headers: true,
  cookies: true,
  http: true,
  clientAddress: true,
} as const satisfies KeysOf<GuestUserNextOptions>;

/** The keys of {@link GuestUserProxyOptions} (`guestUser.proxy()` of the Next adapter). */
export const NEXT_PROXY_OPTION_KEYS = {
  allowGuestUser: true,
} as const satisfies KeysOf<GuestUserProxyOptions>;

const ENTRY_POINTS = {
  "guestUserExpress()": EXPRESS_OPTION_KEYS,
  "guestUserHono()": HONO_OPTION_KEYS,
  "guestUserFastify()": FASTIFY_OPTION_KEYS,
  "guestUserNext()": NEXT_OPTION_KEYS,
  "guestUser.proxy()": NEXT_PROXY_OPTION_KEYS,
} as const;

/**
 * Throws `INVALID_CONFIG` for an option key the adapter's entry point does not know, naming
 * the closest known one.
 *
 * @example
 * ```ts
 * checkAdapterOptions("guestUserExpress()", { logn: "passport" });
 * // Unknown option `logn`: did you mean `login`? (guestUserExpress() has no such option)
 * ```
 */
export function checkAdapterOptions(where: keyof typeof ENTRY_POINTS, options: unknown): void {
  checkOptionKeys(options, ENTRY_POINTS[where], where);
}
