import { InvalidConfigError } from "../../shared/errors.ts";
import type { KeysOf } from "../../shared/option-keys.ts";
import type { DeleteExpiredResult } from "../operations/cleanup.ts";
import { describe } from "./checks.ts";

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

/** The keys of {@link CleanupScheduleOptions}, for the unknown-option check (every key listed). */
export const CLEANUP_SCHEDULE_OPTION_KEYS = {
  every: true,
  batchSize: true,
  onError: true,
  onRun: true,
} as const satisfies KeysOf<CleanupScheduleOptions>;

/** {@link CleanupScheduleOptions} checked, defaults filled in. */
export interface CleanupSchedule {
  /** Milliseconds between the end of a round and the start of the next (before the jitter). */
  readonly everyMs: number;
  /** null: `deleteExpired()`'s own default. */
  readonly batchSize: number | null;
  readonly onError: ((error: unknown) => void) | null;
  readonly onRun: ((result: DeleteExpiredResult) => void) | null;
}

/** The shortest interval accepted: more often would mostly take and drop the lock. */
export const MINIMUM_CLEANUP_INTERVAL_MS = 60_000;
/** The longest: 7 days (and a timer's 32-bit limit, ~24.8 days, stays far). Beyond, use cron. */
export const MAXIMUM_CLEANUP_INTERVAL_MS = 7 * 86_400_000;

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const EVERY_EXPECTED =
  'a duration such as "30s", "15m", "1h" or "1d", or a number of milliseconds, from 1 minute to 7 days';

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
 * Checks the `cleanup` option. Throws `INVALID_CONFIG` naming the bad field and what it
 * accepts. `minimumMs` exists for tests (which tick every few milliseconds).
 *
 * @example
 * ```ts
 * resolveCleanupSchedule({ every: "1h" }); // { everyMs: 3600000, batchSize: null, onError: null, onRun: null }
 * resolveCleanupSchedule(undefined); // null (no schedule)
 * ```
 */
export function resolveCleanupSchedule(
  option: CleanupScheduleOptions | null | undefined,
  minimumMs = MINIMUM_CLEANUP_INTERVAL_MS,
): CleanupSchedule | null {
  if (option === undefined || option === null) return null;
  if (typeof option !== "object")
    throw new InvalidConfigError(
      "cleanup",
      `expected null or { every, batchSize, onError, onRun }, got ${describe(option)}`,
    );
  const everyMs = parseInterval(option.every);
  if (everyMs === null || everyMs < minimumMs || everyMs > MAXIMUM_CLEANUP_INTERVAL_MS)
    throw new InvalidConfigError(
      "cleanup.every",
      `expected ${EVERY_EXPECTED}, got ${describe(option.every)}`,
    );
  const batchSize = option.batchSize ?? null;
  if (batchSize !== null && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 50_000))
    throw new InvalidConfigError(
      "cleanup.batchSize",
      `expected an integer from 1 to 50000, got ${describe(option.batchSize)}`,
    );
  for (const hook of ["onError", "onRun"] as const) {
    const value = option[hook];
    if (value !== undefined && value !== null && typeof value !== "function")
      throw new InvalidConfigError(
        `cleanup.${hook}`,
        `expected a function or null, got ${describe(value)}`,
      );
  }
  return {
    everyMs,
    batchSize,
    onError: option.onError ?? null,
    onRun: option.onRun ?? null,
  };
}
