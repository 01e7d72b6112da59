/**
 * Test clients are browsers unless a test says otherwise: Node's fetch announces itself as
 * `node`, which bot detection (isbot) rightly refuses a guest. Requests that set their own
 * User-Agent keep it; tests of crawlers set theirs.
 */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const nodeFetch = globalThis.fetch;
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const headers = new Headers(
    init?.headers ?? (input instanceof Request ? input.headers : undefined),
  );
  if (!headers.has("user-agent")) headers.set("user-agent", BROWSER_USER_AGENT);
  return nodeFetch(input, { ...init, headers });
};
