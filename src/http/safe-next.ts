/**
 * Accepts a `next` redirect target only when it is a same-origin path: it must start with a
 * single "/", contain no backslash, control character or whitespace trick, and resolve to the
 * request's own origin. Anything else (`//evil.com`, `/\evil.com`, `https://evil.com`,
 * `javascript:`, encoded or whitespace-prefixed variants) gives `null`, so the caller falls
 * back to its default.
 *
 * @example
 * ```ts
 * safeNext("/cart/?step=2", "https://shop.example/convert/"); // "/cart/?step=2"
 * safeNext("//evil.com", "https://shop.example/convert/");    // null
 * ```
 */
export function safeNext(next: unknown, requestUrl: string | URL): string | null {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return null;
  if (!next.startsWith("/") || next.startsWith("//")) return null;
  // Browsers treat "\" as "/" and drop tabs/newlines: refuse them outright, raw or encoded.
  if (/[\\\s\p{Cc}]/u.test(next)) return null;
  let decoded = next;
  try {
    for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(decoded); i++)
      decoded = decodeURIComponent(decoded);
  } catch {
    return null;
  }
  if (decoded.startsWith("//") || /^\/[\\\s]/.test(decoded) || /\p{Cc}/u.test(decoded)) return null;
  let origin: URL;
  let target: URL;
  try {
    origin = new URL(requestUrl);
    target = new URL(next, origin);
  } catch {
    return null;
  }
  // The parser folds dot segments ("/.//evil.com" -> "//evil.com"): check what it produced.
  if (target.origin !== origin.origin || /^\/[/\\]/.test(target.pathname)) return null;
  return `${target.pathname}${target.search}${target.hash}`;
}

/**
 * The reference's "next" value for a redirect: the path and query when the target is on the
 * same scheme and host, otherwise the full URL of the current request.
 */
export function nextValue(requestUrl: URL, target: string): string {
  const resolved = new URL(target, requestUrl);
  const sameSite = resolved.protocol === requestUrl.protocol && resolved.host === requestUrl.host;
  return sameSite ? `${requestUrl.pathname}${requestUrl.search}` : requestUrl.href;
}

/**
 * Adds `field=<next>` to a redirect target, keeping its own query (as Django's
 * redirect_to_login does: `/convert/?from=x&next=/page/`).
 *
 * @example
 * ```ts
 * withNext("/accounts/login/", "next", "/regular_user_required/");
 * // "/accounts/login/?next=/regular_user_required/"
 * ```
 */
export function withNext(target: string, field: string, next: string): string {
  const hashIndex = target.indexOf("#");
  const base = hashIndex === -1 ? target : target.slice(0, hashIndex);
  const hash = hashIndex === -1 ? "" : target.slice(hashIndex);
  const encoded = encodeURIComponent(next).replace(/%2F/gi, "/");
  const separator = !base.includes("?") ? "?" : /[?&]$/.test(base) ? "" : "&";
  return `${base}${separator}${encodeURIComponent(field)}=${encoded}${hash}`;
}
