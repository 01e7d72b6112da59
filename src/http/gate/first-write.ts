import { createHmac } from "node:crypto";
import { CSRF_FIELD, sameOriginRequest } from "../csrf.ts";
import type { HttpRequest } from "../request.ts";

const FORM = /^application\/x-www-form-urlencoded\b/i;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;
const MAX_PEEK_BYTES = 64 * 1024;

/**
 * A field of a Web Request's body (form or JSON), read from a clone so the handler still gets
 * the body; null when there is none or the body is over 64 KiB.
 */
export async function bodyField(request: Request, name: string): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!request.body || !(FORM.test(type) || JSON_TYPE.test(type))) return null;
  if (Number(request.headers.get("content-length") ?? 0) > MAX_PEEK_BYTES) return null;
  try {
    const text = await request.clone().text();
    if (text.length > MAX_PEEK_BYTES) return null;
    if (FORM.test(type)) return new URLSearchParams(text).get(name);
    return parsedField(JSON.parse(text), name);
  } catch {
    return null;
  }
}

/**
 * A field of a body a framework already parsed into an object (Express's body parsers,
 * Fastify), or null.
 */
export function parsedField(body: unknown, name: string): unknown {
  return typeof body === "object" && body !== null && Object.hasOwn(body, name)
    ? (body as Record<string, unknown>)[name]
    : null;
}

/**
 * True when an unsafe request may create a guest in `"onWrite"` mode: it passes the CSRF
 * check without a session. Accepted: a valid `csrf_token` (header `X-CSRF-Token`, or the form
 * or JSON field) for this browser's seed, a browser's own word that it is same-origin
 * (`Sec-Fetch-Site`, else `Origin`), or an API client asking for bearer tokens (a custom
 * header cannot be sent cross-site without a preflight). A cross-site POST makes no guest.
 * The token is looked for first, even when the headers alone would pass: verifying it binds
 * the creation key to the page it came from (see {@link creationKeyOf}).
 */
export async function lazyWritePasses(
  request: HttpRequest,
  verify: (submitted: unknown) => boolean,
): Promise<boolean> {
  if (verify(request.headers.get("x-csrf-token"))) return true;
  const field = request.formField
    ? await request.formField(CSRF_FIELD)
    : request instanceof Request
      ? await bodyField(request, CSRF_FIELD)
      : null;
  if (verify(field)) return true;
  if (sameOriginRequest(request)) return true;
  return request.headers.get("x-session-transport")?.toLowerCase() === "bearer";
}

/**
 * The creation key of a browser's first write: an HMAC of its (signed) CSRF seed and of the
 * nonce of the page token the write proved (`page`; null when it passed on its headers), so
 * that parallel first writes of one page converge on one guest while nobody holding only the
 * (HttpOnly) seed cookie can name it: a token they derive from the seed has a nonce of its
 * own, hence another key. Without a seed, no key (every write makes its own guest).
 *
 * The core hands the guest of a key over only during the insert race (a few seconds, see
 * `CREATION_KEY_WINDOW_MS`), never afterwards, and a log-out ends the key.
 *
 * @example
 * ```ts
 * creationKeyOf(secret, csrf.seed(request, state), csrf.provenPage(state));
 * ```
 */
export function creationKeyOf(
  secret: string,
  seed: string | null,
  page: string | null,
): string | null {
  return seed
    ? createHmac("sha256", secret)
        .update(`guest-creation|${seed}|${page ?? ""}`)
        .digest("hex")
    : null;
}
