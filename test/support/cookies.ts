/** A test client's cookies: name -> value. */
export type CookieJar = Map<string, string>;

/** The Cookie header for the jar's cookies. */
export function cookieHeader(jar: CookieJar): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

/** Stores a response's Set-Cookie values in the jar; an empty value or Max-Age=0 deletes. */
export function storeSetCookies(jar: CookieJar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const index = pair.indexOf("=");
    const name = pair.slice(0, index).trim();
    const value = pair.slice(index + 1).trim();
    if (value === "" || /;\s*max-age=0\b/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

/**
 * A browser's fetch on one app at `base`: keeps the cookies in `jar`, sends them back, never
 * follows a redirect. `send(path, init)` fetches `${base}${path}`.
 */
export function cookieClient(base: string) {
  const jar: CookieJar = new Map();
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set("cookie", cookieHeader(jar));
    const response = await fetch(`${base}${path}`, { ...init, headers, redirect: "manual" });
    storeSetCookies(jar, response);
    return response;
  };
  return { jar, send };
}
