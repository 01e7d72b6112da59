import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { readCookie, serializeCookie } from "../cookies.ts";
import type { RequestState } from "../request.ts";

/** How long a started sign-in may take before its callback is refused. */
export const FLOW_MAX_AGE_SECONDS = 10 * 60;

/** What the start route remembers for its callback (encrypted in the browser's cookie). */
export interface Flow {
  /** The provider's name. */
  readonly provider: string;
  readonly state: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly redirectUri: string;
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
 */
export function flowCookies(secret: string, cookieName: string) {
  const key = Buffer.from(hkdfSync("sha256", secret, "guest-user", "oauth flow cookie", 32));
  const name = `${cookieName}_oauth`;
  const attributes = (state: RequestState, path: string, maxAge: number) => ({
    httpOnly: true,
    sameSite: "Lax" as const,
    secure: state.secure,
    path,
    maxAge,
  });
  return {
    /** Queues the cookie that carries `flow` to the callback at `path`. */
    write(state: RequestState, path: string, flow: Flow): void {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(flow), "utf8"), cipher.final()]);
      const value = Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
      state.setCookies.push(
        serializeCookie(name, value, attributes(state, path, FLOW_MAX_AGE_SECONDS)),
      );
    },

    /** The flow in the request's cookie, or null (missing, forged, unreadable or expired). */
    read(cookieHeader: string | null, now: number): Flow | null {
      const value = readCookie(cookieHeader, name);
      if (!value || value.length > 4096) return null;
      try {
        const raw = Buffer.from(value, "base64url");
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
        const flow = JSON.parse(text.toString("utf8")) as Flow;
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

/** The flow cookies bound to one secret and cookie name. */
export type FlowCookies = ReturnType<typeof flowCookies>;
