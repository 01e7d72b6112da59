import * as v from "valibot";
import { accepted, type EntriesOf, optionBag, type Same } from "../../shared/option-schema.ts";
import { isSeconds, orNull, seconds } from "../../shared/option-values.ts";
import type { KeepIf } from "../../store/retention.ts";

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
   * The top-level `maxAge` option (the reference's `MAX_AGE`), which it replaces: give one.
   * @default 1209600 (14 days)
   */
  readonly maxAge?: number;
  /**
   * Guests to keep longer: an SQL boolean expression on the guest's user id (a Kysely
   * expression or an `sql` fragment), evaluated in the database; or `"ownsData"`: the guests
   * owning a row in any table of the `ownership` option (the SQL written from it).
   * @default null (no guest is kept longer)
   */
  readonly keepIf?: KeepIf | "ownsData" | null;
  /**
   * Seconds a guest matching `keepIf` lives; `null` keeps it until it converts or is deleted.
   * @default null (forever)
   */
  readonly maxAgeIfKept?: number | null;
}

/** The `retention` option's schema (its `maxAge` and the top-level one: see `resolveSettings`). */
export const RETENTION_OPTIONS = optionBag({
  maxAge: v.optional(seconds),
  keepIf: orNull(
    accepted<KeepIf | "ownsData">(
      (value) => value === "ownsData" || typeof value === "function",
      '"ownsData" or a function from the user id to an SQL expression: (userId) => sql`exists (...)`',
    ),
  ),
  maxAgeIfKept: orNull(
    accepted<number>(isSeconds, "a positive number of seconds or null (forever)"),
  ),
} satisfies EntriesOf<RetentionOptions>);

/** {@link RetentionOptions} checked, defaults filled in. */
export interface Retention {
  /** Seconds a guest not kept lives (= `settings.maxAge`). */
  readonly maxAge: number;
  readonly keepIf: KeepIf | null;
  /** Seconds a kept guest lives; null = forever. Meaningless when `keepIf` is null. */
  readonly maxAgeIfKept: number | null;
}
const _retention: Same<
  Retention,
  Required<Omit<v.InferOutput<typeof RETENTION_OPTIONS>, "keepIf">> & { keepIf: KeepIf | null }
> = true;
