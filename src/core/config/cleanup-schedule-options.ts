import * as v from "valibot";
import { accepted, type EntriesOf, optionBag, type Same } from "../../shared/option-schema.ts";
import { aFunction, integerFrom, orNull } from "../../shared/option-values.ts";
import type { DeleteExpiredResult } from "../model/types.ts";

/**
 * Runs `deleteExpired()` on a schedule inside the app, as an alternative to cron: every
 * server may set it, a database lock lets one of them run each round and the others skip it.
 * The timer never keeps the process alive; `close()` stops it.
 *
 * @example
 * ```ts
 * createGuestUsers({
 *   database: process.env.DATABASE_URL,
 *   cleanup: { every: "1h", onError: (error) => reportToSentry(error) },
 * });
 * ```
 */
export interface CleanupScheduleOptions {
  /**
   * How often: `"30s"`, `"15m"`, `"1h"`, `"1d"` (a whole or decimal number and one of s, m,
   * h, d) or a number of milliseconds. From 1 minute to 7 days. Each round waits this long
   * after the previous one ended, plus a random 0-10 % (the first round too), so servers
   * restarted together do not all knock at once.
   */
  readonly every: string | number;
  /**
   * Users deleted per statement (see `deleteExpired()`): from 1 to 50,000.
   * @default deleteExpired()'s: 5000 on PostgreSQL, 1000 on MySQL/MariaDB, time-budgeted on SQLite
   */
  readonly batchSize?: number;
  /**
   * Called with the error of a failed round (the next round runs as planned). The error may
   * be a `DatabaseUnavailableError`; its message holds no password.
   * @default null (one line through the `logger` option's `error()` per failed round)
   * @example onError: (error) => Sentry.captureException(error)
   */
  readonly onError?: ((error: unknown) => void) | null;
  /**
   * Called after each round THIS server ran (not the rounds it skipped because another
   * server held the lock), with what it deleted.
   * @default null
   * @example onRun: ({ deleted }) => console.log(`clean-up: ${deleted} expired guests deleted`)
   */
  readonly onRun?: ((result: DeleteExpiredResult) => void) | null;
}

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration as `every` accepts it, in milliseconds, or null when it is not one.
 * @example
 * ```ts
 * parseInterval("15m"); // 900000
 * parseInterval(90_000); // 90000
 * parseInterval("soon"); // null
 * ```
 */
export function parseInterval(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value : null;
  if (typeof value !== "string") return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/i.exec(value);
  if (!match) return null;
  const ms = Math.round(Number(match[1]) * (UNITS[(match[2] as string).toLowerCase()] as number));
  return ms > 0 ? ms : null;
}

/**
 * From 1 minute (more often would mostly take and drop the lock) to 7 days (a timer's 32-bit
 * limit, ~24.8 days, stays far; beyond, use cron).
 */
const isInterval = (value: unknown) => {
  const ms = parseInterval(value);
  return ms !== null && ms >= 60_000 && ms <= 7 * 86_400_000;
};

/**
 * The `cleanup` option's schema: `every` read as milliseconds (`everyMs`), the hooks and
 * `batchSize` as given (absent: null; a null `batchSize` is `deleteExpired()`'s own default).
 *
 * @example
 * ```ts
 * parseOptions(CLEANUP_SCHEDULE_OPTIONS, { every: "1h" }, "createGuestUsers()");
 * // { everyMs: 3600000, batchSize: null, onError: null, onRun: null }
 * ```
 */
export const CLEANUP_SCHEDULE_OPTIONS = v.pipe(
  optionBag({
    every: accepted<string | number>(
      isInterval,
      'a duration such as "30s", "15m", "1h" or "1d", or a number of milliseconds, from 1 minute to 7 days',
    ),
    batchSize: orNull(integerFrom(1, 50_000)),
    onError: orNull(aFunction<(error: unknown) => void>("a function or null")),
    onRun: orNull(aFunction<(result: DeleteExpiredResult) => void>("a function or null")),
  } satisfies EntriesOf<CleanupScheduleOptions>),
  v.transform(({ every, ...rest }) => ({ everyMs: parseInterval(every) as number, ...rest })),
);

/** {@link CleanupScheduleOptions} checked, defaults filled in. */
export interface CleanupSchedule {
  /** Milliseconds between the end of a round and the start of the next (before the jitter). */
  readonly everyMs: number;
  /** null: `deleteExpired()`'s own default. */
  readonly batchSize: number | null;
  readonly onError: ((error: unknown) => void) | null;
  readonly onRun: ((result: DeleteExpiredResult) => void) | null;
}
const _schedule: Same<CleanupSchedule, v.InferOutput<typeof CLEANUP_SCHEDULE_OPTIONS>> = true;
