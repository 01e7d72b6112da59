import { hideCredentials } from "../../shared/hide-credentials.ts";
import { databaseLock, type LockOutcome, type TryLock } from "../../store/locks.ts";
import type { CleanupSchedule } from "../config/cleanup-schedule-options.ts";
import type { Logger } from "../model/events.ts";
import type { DeleteExpiredResult } from "../model/types.ts";
import { type Context, withDatabase } from "../runtime/context.ts";
import { cleanupManager, type DeleteExpiredOptions } from "./cleanup.ts";

/**
 * What the scheduled clean-up of THIS process did lately, for a health check. Times are
 * the wall clock. Nothing in it is secret: an error is its code and message only.
 *
 * @example
 * ```ts
 * app.get("/health/cleanup", (req, res) => {
 *   const { lastError, lastCheckAt } = guestUsers.cleanupStatus();
 *   res.status(lastError && lastError.at >= (lastCheckAt ?? 0) ? 500 : 200).json(guestUsers.cleanupStatus());
 * });
 * ```
 */
export interface CleanupStatus {
  /** False when the `cleanup` option is off (or after `close()`). */
  readonly scheduled: boolean;
  /** The interval in milliseconds (before the jitter); null when off. */
  readonly every: number | null;
  /** True while a round of this process is under way. */
  readonly running: boolean;
  /** When this process last tried (ran the clean-up, found the lock taken, or failed). */
  readonly lastCheckAt: Date | null;
  /** When this process last ran the clean-up (held the lock). */
  readonly lastRunAt: Date | null;
  /** What that run deleted. */
  readonly lastResult: DeleteExpiredResult | null;
  /** The last failure; it stays until a later round of this process succeeds. */
  readonly lastError: {
    readonly at: Date;
    readonly code: string | null;
    readonly message: string;
  } | null;
  /** Rounds skipped so far because another server (or process) held the lock. */
  readonly skipped: number;
  /** When the next round is due; null when off or stopped. */
  readonly nextRunAt: Date | null;
}

/** What one round came to. */
export type CleanupTick =
  | { readonly outcome: "ran"; readonly result: DeleteExpiredResult }
  | { readonly outcome: "skipped"; readonly reason: "locked" | "busy" | "stopped" }
  | { readonly outcome: "stopped"; readonly deleted: number }
  | { readonly outcome: "failed"; readonly error: unknown };

/** What the runner needs: the parts of a GuestUsers, so tests can assemble one. */
export interface CleanupRunnerParts {
  readonly schedule: CleanupSchedule;
  /** The database lock every server contends for (see `databaseLock()`). */
  readonly tryLock: TryLock;
  /** The clean-up itself: `deleteExpired()`. */
  readonly deleteExpired: (options: DeleteExpiredOptions) => Promise<DeleteExpiredResult>;
  readonly logger: Logger;
  /** @default Math.random (the jitter) */
  readonly random?: () => number;
}

/** A running schedule. */
type CleanupRunner = ReturnType<typeof startCleanupSchedule>;

/** The share of the interval added at random to each wait. */
export const CLEANUP_JITTER = 0.1;

/** The status of a GuestUsers without a schedule. */
export const UNSCHEDULED: CleanupStatus = {
  scheduled: false,
  every: null,
  running: false,
  lastCheckAt: null,
  lastRunAt: null,
  lastResult: null,
  lastError: null,
  skipped: 0,
  nextRunAt: null,
};

class StopRequested extends Error {}

/** A missing table, as SQLite, PostgreSQL and MySQL say it: the migrations have not run. */
const MISSING_TABLE = /no such table|relation .* does not exist|table .* doesn't exist/i;

/** An error as a log line or a status may show it: kind, code and message, no password. */
function describeError(error: unknown): { code: string | null; message: string } {
  if (!(error instanceof Error)) return { code: null, message: hideCredentials(String(error)) };
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === "string" || typeof raw === "number" ? String(raw) : null;
  return { code, message: hideCredentials(`${error.name}: ${error.message}`).slice(0, 300) };
}

/**
 * Starts the schedule of the `cleanup` option (`CleanupScheduleOptions`): each round tries the lock
 * and, if it got it, runs `deleteExpired()`; a failure is reported once per round.
 */
export function startCleanupSchedule(parts: CleanupRunnerParts) {
  const { schedule, tryLock, deleteExpired, logger } = parts;
  const random = parts.random ?? Math.random;
  let status: CleanupStatus = { ...UNSCHEDULED, scheduled: true, every: schedule.everyMs };
  let current: Promise<CleanupTick> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopping = false;

  /** Calls a `cleanup` hook; false when it threw (then logged). */
  const hook = (name: "onError" | "onRun", call: () => void) => {
    try {
      call();
      return true;
    } catch (hookError) {
      const { message } = describeError(hookError);
      logger.error(`guest-user: the cleanup.${name} hook threw (${message})`);
      return false;
    }
  };

  const report = (error: unknown) => {
    const { code, message } = describeError(error);
    status = { ...status, lastError: { at: new Date(), code, message } };
    const { onError } = schedule;
    if (onError && hook("onError", () => onError(error))) return;
    const hint = MISSING_TABLE.test(message) ? " Run `guest-user migrate` (or migrate())." : "";
    logger.error(
      `guest-user: the scheduled clean-up failed (${message}); the next round runs as planned.${hint}`,
    );
  };

  const round = async (): Promise<CleanupTick> => {
    let deleted = 0;
    const onProgress = (progress: { readonly deleted: number }) => {
      deleted = progress.deleted;
      if (stopping) throw new StopRequested();
    };
    let outcome: LockOutcome<DeleteExpiredResult>;
    try {
      outcome = await tryLock(() => {
        status = { ...status, lastRunAt: new Date() };
        const { batchSize } = schedule;
        return deleteExpired({ ...(batchSize === null ? {} : { batchSize }), onProgress });
      });
    } catch (error) {
      if (error instanceof StopRequested) return { outcome: "stopped", deleted };
      report(error);
      return { outcome: "failed", error };
    }
    if (!outcome.acquired) {
      status = { ...status, skipped: status.skipped + 1 };
      return { outcome: "skipped", reason: "locked" };
    }
    status = { ...status, lastResult: outcome.value, lastError: null };
    if (outcome.releaseError !== undefined)
      logger.warn(
        `guest-user: the clean-up's lock could not be released (${describeError(outcome.releaseError).message}); it lapses with its connection or lease.`,
      );
    hook("onRun", () => schedule.onRun?.(outcome.value));
    return { outcome: "ran", result: outcome.value };
  };

  /** Runs one round now (the timer calls it too); never throws, never overlaps itself. */
  const tick = (): Promise<CleanupTick> => {
    if (stopping) return Promise.resolve({ outcome: "skipped", reason: "stopped" });
    if (current) return Promise.resolve({ outcome: "skipped", reason: "busy" });
    status = { ...status, running: true, lastCheckAt: new Date() };
    // round() reports its own failures; this catches a logger or hook that throws.
    const running = round()
      .catch((error: unknown): CleanupTick => ({ outcome: "failed", error }))
      .finally(() => {
        current = null;
        status = { ...status, running: false };
      });
    current = running;
    return running;
  };

  const planNext = () => {
    if (stopping) return;
    const delay = Math.round(schedule.everyMs * (1 + CLEANUP_JITTER * random()));
    status = { ...status, nextRunAt: new Date(Date.now() + delay) };
    timer = setTimeout(() => {
      timer = null;
      void tick().then(planNext);
    }, delay);
    timer.unref();
  };
  planNext();

  return {
    tick,
    status: () => status,
    /** Stops the timer and waits for a running round, which ends after its current batch. */
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      status = { ...status, scheduled: false, nextRunAt: null };
      await current;
    },
  };
}

const runners = new WeakMap<object, CleanupRunner>();

/** The runner of a GuestUsers made with the `cleanup` option, or null (for tests). */
export function cleanupRunnerOf(guestUsers: object): CleanupRunner | null {
  return runners.get(guestUsers) ?? null;
}

/** Starts the `cleanup` schedule (runner null when off); `attach` feeds {@link cleanupRunnerOf}. */
export function scheduleCleanup(context: Context) {
  const { settings, db, quirks } = context;
  const schedule = settings.cleanup;
  if (!schedule) return { runner: null, attach(_guestUsers: object) {} };
  const lock = databaseLock(db, quirks, settings.tables, "cleanup");
  const { deleteExpired } = cleanupManager(context);
  const runner = startCleanupSchedule({
    schedule,
    tryLock: <T>(body: () => Promise<T>) => withDatabase(context, () => lock(body)),
    deleteExpired,
    logger: settings.logger,
  });
  return { runner, attach: (guestUsers: object) => runners.set(guestUsers, runner) };
}
