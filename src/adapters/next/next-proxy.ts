import * as v from "valibot";
import type { GuestUserHttp } from "../../http/guest-user-http.ts";
import { type EntriesOf, optionBag, parseOptions } from "../../shared/option-schema.ts";
import { trueOrFalse } from "../../shared/option-values.ts";
import { parseSetCookie } from "./request.ts";
import { running } from "./route-handlers.ts";
import type { GuestUserProxyOptions, NextHeaderList, NextResponseApi } from "./types.ts";

const PROXY_OPTIONS = optionBag({
  allowGuestUser: v.optional(trueOrFalse, false),
} satisfies EntriesOf<GuestUserProxyOptions>);

/**
 * The request's `Cookie` header with the pending `Set-Cookie` values applied (a deleted
 * cookie removed), so that the page rendered after the proxy sees the new session.
 */
function applyToCookieHeader(header: string | null, setCookies: readonly string[]): string {
  const jar = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0) jar.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
  }
  for (const value of setCookies) {
    const cookie = parseSetCookie(value);
    if (cookie.options.maxAge === 0) jar.delete(cookie.name);
    else jar.set(cookie.name, cookie.value);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

/**
 * `guestUser.proxy()`, documented on `GuestUserNext`: new cookies go on the response AND on this
 * request, so that its server components see them.
 */
export function nextProxy(
  http: GuestUserHttp,
  responses: NextResponseApi,
  addressOf: (headers: NextHeaderList) => string | null,
  options: GuestUserProxyOptions,
): (request: Request) => Promise<Response> {
  const { allowGuestUser } = parseOptions(PROXY_OPTIONS, options, "guestUser.proxy()");
  return (request) =>
    running(http, request, addressOf, async (view, state) => {
      if (allowGuestUser) await http.maybeCreateGuestUser(view, state);
      const setCookies = state.setCookies.splice(0);
      if (setCookies.length === 0) return responses.next();
      const headers = new Headers(request.headers);
      headers.set("cookie", applyToCookieHeader(request.headers.get("cookie"), setCookies));
      const response = responses.next({ request: { headers } });
      for (const cookie of setCookies) response.headers.append("set-cookie", cookie);
      return response;
    });
}
