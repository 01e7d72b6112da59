import { InvalidConfigError } from "../../shared/errors.ts";
import type { KeysOf } from "../../shared/option-keys.ts";
import type { KeepIf } from "../../store/retention.ts";
import { describe } from "./checks.ts";

export type { KeepIf } from "../../store/retention.ts";

/**
 * Who clean-up deletes, and when: guests older than `maxAge`, except the ones `keepIf` matches
 * (say "owns a note"), which live `maxAgeIfKept` (or forever). The app, the admin, `stats()`,
 * `filterExpired()`, `deleteExpired()`, the CLI and a guest's `expiresAt` all apply the same
 * rule. Ages are measured as `expireBy` says (creation or last request).
 *
 * @example
 * ```ts
 * import { sql } from "kysely";
 * createGuestUsers({
 *   retention: {
 *     maxAge: 7 * 86_400, // a guest with nothing is gone after a week
 *     keepIf: (userId) => sql`exists (select 1 from notes where notes.user_id = ${userId})`,
 *     maxAgeIfKept: 90 * 86_400, // a guest with notes is kept three months
 *   },
 * });
 * ```
 */
export interface RetentionOptions {
  /**
   * Seconds after which a guest is expired (the reference's `MAX_AGE`; the same as the
   * top-level `maxAge` option, which it replaces: give one of the two).
   * @default 1209600 (14 days)
   */
  readonly maxAge?: number;
  /**
   * Guests to keep longer: an SQL boolean expression on the guest's user id (a Kysely
   * expression or an `sql` fragment), evaluated in the database.
   * @default null (no guest is kept longer)
   */
  readonly keepIf?: KeepIf | null;
  /**
   * Seconds a guest matching `keepIf` lives; `null` keeps it until it converts or is deleted.
   * @default null (forever)
   */
  readonly maxAgeIfKept?: number | null;
}

/** The keys of {@link RetentionOptions}, for the unknown-option check (every key listed). */
export const RETENTION_OPTION_KEYS = {
  maxAge: true,
  keepIf: true,
  maxAgeIfKept: true,
} as const satisfies KeysOf<RetentionOptions>;

/** {@link RetentionOptions} checked, defaults filled in. */
export interface Retention {
  /** Seconds a guest not kept lives (= `settings.maxAge`). */
  readonly maxAge: number;
  readonly keepIf: KeepIf | null;
  /** Seconds a kept guest lives; null = forever. Meaningless when `keepIf` is null. */
  readonly maxAgeIfKept: number | null;
}

const isSeconds = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value > 0;

/**
 * Checks the `retention` option against the top-level `maxAge` (the default: 14 days).
 * Throws `INVALID_CONFIG` naming the bad field.
 *
 * @example
 * ```ts
 * resolveRetention({ keepIf }, undefined); // { maxAge: 1209600, keepIf, maxAgeIfKept: null }
 * ```
 */
export function resolveRetention(
  retention: RetentionOptions | null | undefined,
  maxAge: number,
  maxAgeGiven: boolean,
): Retention {
  if (retention === undefined || retention === null) {
    return { maxAge, keepIf: null, maxAgeIfKept: null };
  }
  if (typeof retention !== "object")
    throw new InvalidConfigError(
      "retention",
      `expected { maxAge, keepIf, maxAgeIfKept }, got ${describe(retention)}`,
    );
  if (retention.maxAge !== undefined && maxAgeGiven)
    throw new InvalidConfigError(
      "retention.maxAge",
      "the top-level `maxAge` is given too: keep one of the two",
    );
  if (retention.maxAge !== undefined && !isSeconds(retention.maxAge))
    throw new InvalidConfigError(
      "retention.maxAge",
      `expected a positive number of seconds, got ${describe(retention.maxAge)}`,
    );
  const keepIf = retention.keepIf ?? null;
  if (keepIf !== null && typeof keepIf !== "function")
    throw new InvalidConfigError(
      "retention.keepIf",
      "expected a function from the user id to an SQL expression: (userId) => sql`exists (...)`",
    );
  const maxAgeIfKept = retention.maxAgeIfKept ?? null;
  if (maxAgeIfKept !== null && !isSeconds(maxAgeIfKept))
    throw new InvalidConfigError(
      "retention.maxAgeIfKept",
      `expected a positive number of seconds or null (forever), got ${describe(maxAgeIfKept)}`,
    );
  return { maxAge: retention.maxAge ?? maxAge, keepIf, maxAgeIfKept };
}
