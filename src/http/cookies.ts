/** Options of one Set-Cookie header. */
export interface CookieAttributes {
  readonly maxAge?: number;
  readonly path?: string;
  readonly domain?: string;
  readonly secure?: boolean;
  readonly httpOnly?: boolean;
  readonly sameSite?: "Lax" | "Strict" | "None";
}

const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[!#$%&'()*+\-./0-9:<=>?@A-Z[\]^_`a-z{|}~]*$/;

/**
 * Reads one cookie from a Cookie header without throwing: a malformed header or value gives
 * `null`, never an error page. Only cookie-safe characters are accepted.
 */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header || header.length > 16_384) return null;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index === -1 || part.slice(0, index).trim() !== name) continue;
    let value = part.slice(index + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    return VALUE.test(value) ? value : null;
  }
  return null;
}

/** Writes a Set-Cookie header value. */
export function serializeCookie(
  name: string,
  value: string,
  attributes: CookieAttributes = {},
): string {
  if (!NAME.test(name)) throw new TypeError(`Invalid cookie name ${JSON.stringify(name)}`);
  if (!VALUE.test(value)) throw new TypeError(`Invalid cookie value for ${name}`);
  let cookie = `${name}=${value}`;
  if (attributes.maxAge !== undefined)
    cookie += `; Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`;
  if (attributes.domain) cookie += `; Domain=${attributes.domain}`;
  cookie += `; Path=${attributes.path ?? "/"}`;
  if (attributes.httpOnly) cookie += "; HttpOnly";
  if (attributes.secure) cookie += "; Secure";
  if (attributes.sameSite) cookie += `; SameSite=${attributes.sameSite}`;
  return cookie;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** True for localhost addresses, where cookies may go without `Secure` (plain-HTTP development). */
export function isLocalHost(hostname: string): boolean {
  return LOCAL_HOSTS.has(hostname) || hostname.endsWith(".localhost");
}
