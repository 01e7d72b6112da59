import type { Logger } from "../core/model/events.ts";
import { parseToken } from "../core/model/tokens.ts";
import { isLocalHost } from "./cookies.ts";
import type { HttpRequest } from "./request.ts";

const BEARER = /^bearer[ \t]+([^\s,]+)[ \t]*$/i;

/**
 * Our session token from an `Authorization: Bearer <token>` header (the scheme in any case),
 * or null. Any other value (the app's own JWT, another scheme, a malformed token) is not ours
 * and is ignored, so the session cookie still counts.
 *
 * @example
 * ```ts
 * readBearer("bearer AbC...xyz.def..."); // the token, if it has our format
 * readBearer("Bearer eyJhbGciOi...");   // null: somebody else's token
 * ```
 */
export function readBearer(authorization: string | null): string | null {
  const match = authorization ? BEARER.exec(authorization) : null;
  const token = match?.[1];
  return token && parseToken(token) ? token : null;
}

/**
 * Decides `Secure` per request from the protocol the framework saw (its trusted proxy's
 * `X-Forwarded-Proto` applied): `"auto"` means Secure exactly on HTTPS. Logs one warning when
 * Secure cookies go out on plain HTTP (the browser drops them: every request would make a new
 * guest), and one when an untrusted proxy says the client used HTTPS.
 */
export function secureCookieCheck(setting: boolean | "auto", logger: Logger) {
  let warnedPlain = false;
  let warnedProxy = false;
  return (request: HttpRequest): boolean => {
    const https = request.url.startsWith("https:");
    if (setting === true && !https && !warnedPlain) {
      warnedPlain = true;
      logger.warn(
        'guest-user: Secure cookies are set on a plain-HTTP request, so browsers drop them and every visit makes a new guest: serve HTTPS (behind a proxy, trust it: Express `app.set("trust proxy", 1)`, Fastify `trustProxy`, Hono `trustProxy`), or set cookie.secure: "auto".',
      );
    }
    if (
      setting === "auto" &&
      !https &&
      !warnedProxy &&
      request.headers.get("x-forwarded-proto")?.toLowerCase().startsWith("https") &&
      !isLocalHost(URL.canParse(request.url) ? new URL(request.url).hostname : "")
    ) {
      warnedProxy = true;
      logger.warn(
        "guest-user: a proxy says this request came over HTTPS (X-Forwarded-Proto), but it is not trusted, so cookies go out without Secure: trust your proxy (Express `trust proxy`, Fastify `trustProxy`, Hono `trustProxy`).",
      );
    }
    return setting === "auto" ? https : setting;
  };
}
