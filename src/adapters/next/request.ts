import type { HttpRequest } from "../../http/request.ts";
import type { NextCookieOptions, NextHeaderList } from "./types.ts";

/**
 * The last address of `X-Forwarded-For`: the default `clientAddress` of `guestUserNext()`
 * (see `GuestUserNextOptions.clientAddress`).
 *
 * @example
 * ```ts
 * lastForwardedFor(new Headers({ "x-forwarded-for": "198.51.100.1, 203.0.113.7" })); // "203.0.113.7"
 * ```
 */
export function lastForwardedFor(headers: NextHeaderList): string | null {
  const list = headers.get("x-forwarded-for");
  if (!list) return null;
  const last = list.split(",").pop()?.trim();
  return last || null;
}

/**
 * The {@link HttpRequest} of a server component or server action, which gets no `Request`:
 * its headers, and a URL of the origin Next itself uses (`X-Forwarded-Proto` and `-Host`,
 * which Next fills in when absent). The path is unknown there, so it is `/`.
 */
export function headersRequest(
  method: string,
  headers: NextHeaderList,
  clientAddress: string | null,
): HttpRequest {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  const host =
    headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host") || "localhost";
  return {
    method,
    url: `${proto === "https" ? "https" : "http"}://${host}/`,
    headers,
    clientAddress,
  };
}

/**
 * Takes apart a `Set-Cookie` value the web layer wrote (`serializeCookie`): name, value and
 * the attributes it uses, as `cookies().set()` takes them.
 *
 * @example
 * ```ts
 * parseSetCookie("sid=abc; Max-Age=60; Path=/; HttpOnly; SameSite=Lax");
 * // { name: "sid", value: "abc", options: { maxAge: 60, path: "/", httpOnly: true, sameSite: "lax" } }
 * ```
 */
export function parseSetCookie(header: string) {
  const [pair = "", ...attributes] = header.split(";");
  const index = pair.indexOf("=");
  const options: {
    -readonly [K in keyof NextCookieOptions]: NextCookieOptions[K];
  } = {};
  for (const attribute of attributes) {
    const [key = "", raw = ""] = attribute.trim().split("=");
    const name = key.toLowerCase();
    if (name === "max-age") options.maxAge = Number(raw);
    else if (name === "path" || name === "domain") options[name] = raw;
    else if (name === "httponly") options.httpOnly = true;
    else if (name === "secure") options.secure = true;
    else if (name === "samesite")
      options.sameSite = raw.toLowerCase() as NonNullable<NextCookieOptions["sameSite"]>;
  }
  return { name: pair.slice(0, index).trim(), value: pair.slice(index + 1).trim(), options };
}
