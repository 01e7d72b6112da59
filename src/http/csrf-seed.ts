import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/** The random part of a seed: 16 bytes, 22 base64url characters. */
const RANDOM_BYTES = 16;
const RANDOM_CHARS = 22;
/** The signature: an HMAC-SHA256 cut to 16 bytes, 22 base64url characters. */
const MAC_BYTES = 16;
/** A seed as we issue it: 44 characters, random part then signature. */
const SEED_FORMAT = /^[\w-]{44}$/;

/**
 * The browser's CSRF seed, signed: `<random><HMAC of it>` (44 characters), the HMAC keyed by
 * a key derived from the app's secret (HKDF, so it signs nothing else). Only a seed this app
 * issued is ever taken: a forged one, a planted value of the attacker's choosing and the
 * unsigned seeds of older versions are refused (the browser is then given a new one), so a
 * seed names one browser and nobody can choose it.
 */
export function signedSeeds(secret: string) {
  const key = Buffer.from(hkdfSync("sha256", secret, "guest-user", "csrf seed", 32));
  const signatureOf = (random: string) =>
    createHmac("sha256", key).update(random).digest().subarray(0, MAC_BYTES).toString("base64url");
  return {
    /** A new seed for a browser. */
    issue(): string {
      const random = randomBytes(RANDOM_BYTES).toString("base64url");
      return `${random}${signatureOf(random)}`;
    },
    /** The seed when this app issued it, else null (compared in constant time). */
    check(value: string | null | undefined): string | null {
      if (!value || !SEED_FORMAT.test(value)) return null;
      const given = Buffer.from(value.slice(RANDOM_CHARS));
      const expected = Buffer.from(signatureOf(value.slice(0, RANDOM_CHARS)));
      return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
    },
  };
}
