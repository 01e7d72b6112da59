import { createHash } from "node:crypto";
import type { Settings } from "../../core/config/settings.ts";
import { addressKey } from "../../limits/address-key.ts";
import type { LimitVerdict, RateLimit } from "../../limits/types.ts";
import { tooManyRequests } from "./respond.ts";
import type { Exchange } from "./view-kit.ts";

/**
 * The client address alone may fail this many times `loginLimit.max` per window (one address
 * trying many usernames); sign-ups per address are limited to the same number.
 */
export const ADDRESS_FACTOR = 5;

/** One throttled login, convert or sign-up attempt. */
export interface Attempt {
  /** The 429 to answer instead of trying (the password is not even checked), or null. */
  readonly refused: Response | null;
  /** Counts a failure: wrong password, invalid form. */
  failed(): Promise<void>;
  /** Forgets the failures of this username from this address. */
  succeeded(): Promise<void>;
}

const FREE: Attempt = { refused: null, failed: async () => {}, succeeded: async () => {} };

/** Settings already warned about requests without a client address. */
const warnedNoAddress = new WeakSet<Settings>();

/**
 * The username as keys use it: trimmed, NFKC-normalized, lowercased (so `Ada`, `ada` and
 * `ａｄａ` share one count); a long one is hashed to keep keys short.
 */
export function throttleName(username: unknown): string {
  if (typeof username !== "string") return "";
  const name = username.trim().normalize("NFKC").toLowerCase();
  return name.length > 64 ? `#${createHash("sha256").update(name).digest("hex")}` : name;
}

/** The address part of a key; URI-encoded, so it never holds the `/` before the username. */
function addressPart(address: string | null): string {
  return address === null ? "unknown" : encodeURIComponent(address);
}

/**
 * What the client counts as ({@link addressKey}: IPv4-mapped as IPv4, IPv6 by its
 * `ipv6Subnet` network), or null without a client address (warned about once).
 */
function addressOf(exchange: Exchange): string | null {
  const { settings } = exchange.kit;
  const address = exchange.state.clientAddress || null;
  if (address === null && settings.loginLimit && !warnedNoAddress.has(settings)) {
    warnedNoAddress.add(settings);
    settings.logger.warn(
      "guest-user: a login came without a client address (configure your framework's trusted proxies, or the adapter's clientAddress): failed logins are counted per username only, and sign-ups are not limited per address.",
    );
  }
  return address === null ? null : addressKey(address, settings.ipv6Subnet);
}

/** A hit that also logs the first refusal of a window. */
async function hit(exchange: Exchange, key: string, limit: RateLimit, what: string) {
  const { limitStore, logger } = exchange.kit.settings;
  const verdict = await limitStore.hit(key, limit);
  if (verdict.firstRefusal) {
    logger.warn(`guest-user: ${what}; refusing for ${verdict.retryAfterSeconds} s.`);
  }
  return verdict;
}

/**
 * Throttles a login (or a convert or sign-up, which can probe usernames): refused when the
 * address has failed `ADDRESS_FACTOR × max` times in the window, or when this username was
 * tried `max` times from this address (successes reset that count, so only failures stay).
 * Both checks come before the password is verified, and the answer never depends on whether
 * the username exists. Without a client address only the username's count applies. A
 * `signup` counts every POST from the address first (at most `ADDRESS_FACTOR × max` per window,
 * which stops mass sign-ups).
 */
export async function credentialAttempt(
  exchange: Exchange,
  username: unknown,
  signup = false,
): Promise<Attempt> {
  const { loginLimit: limit, limitStore: store } = exchange.kit.settings;
  if (!limit) return FREE;
  const address = addressOf(exchange);
  if (signup && address !== null) {
    const signups = { max: limit.max * ADDRESS_FACTOR, windowSeconds: limit.windowSeconds };
    const key = `signup:address:${addressPart(address)}`;
    const verdict = await hit(exchange, key, signups, `${signups.max} sign-ups from ${address}`);
    if (!verdict.allowed) return refusal(exchange, verdict);
  }
  const name = throttleName(username);
  const userKey = `login:user:${addressPart(address)}/${name}`;
  const perAddressKey = address === null ? null : `login:address:${addressPart(address)}`;
  // "allowed" after a hit means room for one more: refused once max × 5 failures are in.
  const addressLimit = { max: limit.max * ADDRESS_FACTOR - 1, windowSeconds: limit.windowSeconds };
  if (perAddressKey) {
    const verdict = await store.peek(perAddressKey, addressLimit);
    if (!verdict.allowed) return refusal(exchange, verdict);
  }
  // Counted before the password is checked, so parallel guesses cannot slip past the limit.
  const verdict = await hit(
    exchange,
    userKey,
    limit,
    `${limit.max} failed logins for ${JSON.stringify(name)} from ${address ?? "an unknown address"}`,
  );
  if (!verdict.allowed) return refusal(exchange, verdict);
  return {
    refused: null,
    async failed() {
      if (!perAddressKey) return;
      await hit(
        exchange,
        perAddressKey,
        addressLimit,
        `${addressLimit.max + 1} failed logins from ${address}`,
      );
    },
    async succeeded() {
      await store.reset(userKey);
    },
  };
}

function refusal(exchange: Exchange, verdict: LimitVerdict): Attempt {
  return { ...FREE, refused: tooManyRequests(exchange, verdict.retryAfterSeconds) };
}
