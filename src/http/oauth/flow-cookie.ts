import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { readCookie, serializeCookie } from "../cookies.ts";
import type { RequestState } from "../request.ts";
import type { AuthorizationRequest } from "./provider.ts";

/** How long a started sign-in may take before its callback is refused. */
export const FLOW_MAX_AGE_SECONDS = 10 * 60;

/** What the start route remembers for its callback (encrypted in the browser's cookie). */
export interface Flow extends AuthorizationRequest {
  /** The provider's name. */
  readonly provider: string;
  /** A safe `next`, or null. */
  readonly next: string | null;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** A random URL-safe value: 32 bytes, 43 characters (a valid PKCE verifier too). */
export const randomValue = (): string => randomBytes(32).toString("base64url");

/** True when two strings are equal, in constant time. */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The flow cookie: AES-256-GCM with a key derived from the app's secret (so it can be neither
 * read nor forged), HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET,
 * which carries it), Path limited to the provider's callback, ten minutes.
 *
 * It is bound to the browser that started the flow: it carries a MAC of that browser's
 * (signed) CSRF seed and session id, and the callback takes it only from a browser with the
 * same seed and session. A flow cookie planted in another browser (with the planter's seed
 * too) thus cannot sign that browser's guest in with the planter's identity: the planter
 * cannot know the victim's session. Call `http.csrfToken(request, state)` before `write` and
 * `read`, so that `state.csrfSeed` holds the browser's seed (made when it has none).
 */
export function flowCookies(secret: string, cookieName: string) {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", secret, "guest-user", info, 32));
  const key = derive("oauth flow cookie");
  const bindingKey = derive("oauth flow browser");
  const name = `${cookieName}_oauth`;
  const attributes = (state: RequestState, path: string, maxAge: number) => ({
    httpOnly: true,
    sameSite: "Lax" as const,
    secure: state.secure,
    path,
    maxAge,
  });
  /** The browser asking, as a MAC of its CSRF seed and session id; null without a seed. */
  const browserOf = (state: RequestState) =>
    state.csrfSeed
      ? createHmac("sha256", bindingKey)
          .update(`${state.csrfSeed}|${state.token?.split(".")[0] ?? ""}`)
          .digest("base64url")
      : null;
  return {
    /** Queues the cookie that carries `flow` to the callback at `path`, bound to this browser. */
    write(state: RequestState, path: string, flow: Flow): void {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const text = JSON.stringify({ ...flow, browser: browserOf(state) });
      const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
      const value = Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
      state.setCookies.push(
        serializeCookie(name, value, attributes(state, path, FLOW_MAX_AGE_SECONDS)),
      );
    },

    /**
     * The flow in the request's cookie, or null: missing, forged, unreadable, expired, or
     * started by another browser (another CSRF seed or session than `state`'s).
     */
    read(cookieHeader: string | null, state: RequestState, now: number): Flow | null {
      const value = readCookie(cookieHeader, name);
      const browser = browserOf(state);
      if (!value || value.length > 4096 || !browser) return null;
      try {
        const raw = Buffer.from(value, "base64url");
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
        const { browser: bound, ...flow } = JSON.parse(text.toString("utf8")) as Flow & {
          browser?: unknown;
        };
        if (typeof bound !== "string" || !sameText(bound, browser)) return null;
        return typeof flow.expiresAt === "number" && flow.expiresAt > now ? flow : null;
      } catch {
        return null;
      }
    },

    /** Queues the removal of the cookie (a flow is used once). */
    clear(state: RequestState, path: string): void {
      state.setCookies.push(serializeCookie(name, "", attributes(state, path, 0)));
    },
  };
}
