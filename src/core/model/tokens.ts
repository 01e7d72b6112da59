import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN_FORMAT = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * Makes a fresh random session token: `token` (`<id>.<secret>`, for the cookie, never stored),
 * `id` (the public lookup key, 128 random bits) and `secretHash` (SHA-256 of the 256-bit
 * secret, hex: all the database ever sees of it).
 */
export function issueToken() {
  const id = randomBytes(16).toString("base64url");
  const secret = randomBytes(32).toString("base64url");
  return { token: `${id}.${secret}`, id, secretHash: sha256(secret) };
}

/** Splits a token into its id and secret, or `null` when it is malformed (never throws). */
export function parseToken(token: string): { readonly id: string; readonly secret: string } | null {
  const match = typeof token === "string" ? TOKEN_FORMAT.exec(token) : null;
  return match ? { id: match[1] as string, secret: match[2] as string } : null;
}

/** Compares a token's secret with the stored hash in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(sha256(secret), "hex");
  const expected = Buffer.from(storedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
