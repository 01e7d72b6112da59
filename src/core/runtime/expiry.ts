import { InvalidConfigError } from "../../shared/errors.ts";
import type { GuestRecord } from "../../store/guest-store.ts";
import type { RetentionCutoffs } from "../../store/retention.ts";
import type { Settings } from "../config/settings.ts";

export type ExpirySettings = Pick<Settings, "expireBy" | "retention" | "clock">;

export type GuestTimes = Pick<GuestRecord, "createdAt" | "lastSeenAt">;

/**
 * THE retention rule, as query cutoffs: a guest is expired when its `created_at` (or, with
 * `expireBy: "lastSeenAt"`, its `last_seen_at`) is below `cutoff` (now minus
 * `retention.maxAge`), unless `retention.keepIf` matches it: then below `keptCutoff` (now
 * minus `maxAgeIfKept`; null, never). `maxAge` overrides `retention.maxAge` (only) for one
 * run (the CLI's `--max-age`, `deleteExpired({ maxAge })`); a value that is not a positive
 * number throws `INVALID_CONFIG`. Write it into SQL with `expiredCondition()`.
 *
 * @example
 * ```ts
 * const cutoffs = expiryCutoff(guestUsers.settings);
 * // where ${expiredCondition(cutoffs, sql.ref("guests.user_id"), sql.ref(`guests.${cutoffs.column}`))}
 * ```
 */
export function expiryCutoff(settings: ExpirySettings, maxAge?: number): RetentionCutoffs {
  if (maxAge !== undefined && !(Number.isFinite(maxAge) && maxAge > 0)) {
    throw new InvalidConfigError("maxAge", `expected a positive number of seconds, got ${maxAge}`);
  }
  const now = settings.clock();
  const { retention } = settings;
  return {
    column: settings.expireBy === "lastSeenAt" ? "last_seen_at" : "created_at",
    cutoff: now - (maxAge ?? retention.maxAge) * 1000,
    keepIf: retention.keepIf,
    keptCutoff: retention.maxAgeIfKept === null ? null : now - retention.maxAgeIfKept * 1000,
  };
}

/**
 * When a guest expires by the rule of {@link expiryCutoff}, in milliseconds since the epoch;
 * `null` means never (a kept guest with `maxAgeIfKept: null`). Whether a guest is kept is the
 * database's answer (`guestUsers.expiresAt(user)` asks it).
 *
 * @param kept true when the guest matches `retention.keepIf` (ignored without a rule)
 * @default kept false
 */
export function guestExpiresAt(
  guest: GuestTimes,
  settings: ExpirySettings,
  kept = false,
): number | null {
  const { retention } = settings;
  const maxAge = kept && retention.keepIf ? retention.maxAgeIfKept : retention.maxAge;
  if (maxAge === null) return null;
  const since = settings.expireBy === "lastSeenAt" ? guest.lastSeenAt : guest.createdAt;
  return since + maxAge * 1000;
}

/**
 * The reference's `Guest.is_expired()` for a guest row: true once {@link guestExpiresAt} has
 * passed (the same rule, to the millisecond, as the clean-up's query).
 * @default kept false
 */
export function isGuestExpired(guest: GuestTimes, settings: ExpirySettings, kept = false): boolean {
  // Clean-up deletes where `column < now - maxAge`, i.e. where `column + maxAge < now`.
  const at = guestExpiresAt(guest, settings, kept);
  return at !== null && at < settings.clock();
}
