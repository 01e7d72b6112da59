import { InvalidConfigError } from "../../shared/errors.ts";
import { dayOf, type FunnelDay } from "../../store/funnel-store.ts";
import { type Context, withDatabase } from "../runtime/context.ts";

export type { FunnelDay } from "../../store/funnel-store.ts";

/** Options of `guestUsers.funnel()`. */
export interface FunnelOptions {
  /** How many UTC days, ending today (included). @default 30 @example 7 */
  readonly days?: number;
}

/** The funnel's sums over the window, and the conversion rate. */
export interface FunnelTotals {
  /** Guests created. */
  readonly created: number;
  /** Guests converted to registered users (sign-up form, social login). */
  readonly converted: number;
  /** Guests merged into an existing account (they logged in). */
  readonly merged: number;
  /** Guests deleted (clean-up and the admin's deletions). */
  readonly deleted: number;
  /** Of `converted`: guests a quota had refused before they converted (`quotas` option). */
  readonly convertedAfterQuota: number;
  /**
   * `(converted + merged) / created`: the share of guests who kept their work in an account. 0 when
   * none was created in the window; may exceed 1 when guests created earlier converted in it.
   */
  readonly conversionRate: number;
}

/** What `guestUsers.funnel()` answers. */
export interface Funnel {
  /** Every day of the window, oldest first; days without events have zeros. */
  readonly days: readonly FunnelDay[];
  readonly totals: FunnelTotals;
}

/** The most days one call reads (ten years). */
export const MAX_FUNNEL_DAYS = 3660;

const DAY_MS = 86_400_000;

const EVENTS = ["created", "converted", "merged", "deleted", "convertedAfterQuota"] as const;

/** The conversion funnel: per-day counters kept in the events' own transactions. */
export function funnelManager(context: Context) {
  const { db, settings } = context;
  return {
    /**
     * The conversion funnel of the last `days` UTC days (today included): per day, guests created,
     * converted, merged into an existing account and deleted, and the {@link FunnelTotals}. Exact:
     * each counter is bumped in its event's transaction. Cheap: one query on a small table of daily
     * counters. Throws `INVALID_CONFIG` for a `days` that is not a whole number from 1 to 3660.
     * @example
     * ```ts
     * const { days, totals } = await guestUsers.funnel({ days: 7 });
     * console.log(`${(totals.conversionRate * 100).toFixed(1)}% of guests signed up`);
     * ```
     */
    async funnel(options: FunnelOptions = {}): Promise<Funnel> {
      const count = options.days ?? 30;
      if (!Number.isInteger(count) || count < 1 || count > MAX_FUNNEL_DAYS) {
        throw new InvalidConfigError(
          "days",
          `expected a whole number of days from 1 to ${MAX_FUNNEL_DAYS}, got ${String(count)}`,
        );
      }
      const today = Date.parse(dayOf(settings.clock()));
      const window = Array.from({ length: count }, (_, i) =>
        dayOf(today - (count - 1 - i) * DAY_MS),
      );
      const counted = await withDatabase(context, () =>
        context.funnel.read(db, window[0] as string, window.at(-1) as string),
      );
      const byDay = new Map(counted.map((day) => [day.day, day]));
      const zero = { created: 0, converted: 0, merged: 0, deleted: 0, convertedAfterQuota: 0 };
      const days = window.map((day) => byDay.get(day) ?? { day, ...zero });
      const totals = { ...zero };
      for (const day of days) for (const key of EVENTS) totals[key] += day[key];
      const { created, converted, merged } = totals;
      const conversionRate = created === 0 ? 0 : (converted + merged) / created;
      return { days, totals: { ...totals, conversionRate } };
    },
  };
}
