import { InvalidConfigError } from "../shared/errors.ts";
import type { Expiry, GuestRecord } from "../store/guest-store.ts";
import type { Settings } from "./settings.ts";

/** The settings the expiry rule reads. */
export type ExpirySettings = Pick<Settings, "expireBy" | "maxAge" | "clock">;

/** The times of a guest row the expiry rule looks at. */
export type GuestTimes = Pick<GuestRecord, "createdAt" | "lastSeenAt">;

/**
 * THE expiry rule, as a query condition: a guest is expired when its `created_at` (or, with
 * `expireBy: "lastSeenAt"`, its `last_seen_at`) is older than `maxAge` seconds, i.e. below
 * the cutoff. `maxAge` overrides the configured one for one run (the CLI's `--max-age`);
 * a value that is not a positive number throws `INVALID_CONFIG`.
 *
 * @example
 * ```ts
 * const { column, cutoff } = expiryCutoff(guestUsers.settings);
 * // where ${sql.ref(column)} < ${cutoff}
 * ```
 */
export function expiryCutoff(settings: ExpirySettings, maxAge?: number): Expiry {
  if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge > 0)) {
    throw new InvalidConfigError("maxAge", `expected a positive number of seconds, got ${maxAge}`);
  }
  return {
    column: settings.expireBy === "lastSeenAt" ? "last_seen_at" : "created_at",
    cutoff: settings.clock() - (maxAge ?? settings.maxAge) * 1000,
  };
}

/**
 * When a guest expires, in milliseconds since the epoch: its creation (or last request, with
 * `expireBy: "lastSeenAt"`) plus `maxAge`. From then on clean-up may delete it.
 *
 * @example
 * ```ts
 * const until = new Date(guestExpiresAt(guestRecord, guestUsers.settings));
 * ```
 */
export function guestExpiresAt(guest: GuestTimes, settings: ExpirySettings): number {
  const since = settings.expireBy === "lastSeenAt" ? guest.lastSeenAt : guest.createdAt;
  return since + settings.maxAge * 1000;
}

/**
 * The reference's `Guest.is_expired()` for a guest row: true once {@link guestExpiresAt} has
 * passed (the same rule, to the millisecond, as the clean-up's query).
 *
 * @example
 * ```ts
 * if (isGuestExpired(guestRecord, guestUsers.settings)) showExpiredBadge();
 * ```
 */
export function isGuestExpired(guest: GuestTimes, settings: ExpirySettings): boolean {
  // Clean-up deletes where `column < now - maxAge`, i.e. where `column + maxAge < now`.
  return guestExpiresAt(guest, settings) < settings.clock();
}
