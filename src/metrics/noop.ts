import type { GuestUserMetrics } from "./types.ts";

const nothing = (): void => {};

/**
 * Metrics off (the default): every hook is an empty function and a session lookup runs as it
 * is, with no timer and no extra promise.
 *
 * @example
 * ```ts
 * NO_METRICS.created(); // does nothing
 * ```
 */
export const NO_METRICS: GuestUserMetrics = Object.freeze({
  enabled: false,
  created: nothing,
  refused: nothing,
  converted: nothing,
  merged: nothing,
  deleted: nothing,
  quotaExceeded: nothing,
  sessionLookup: <T>(lookup: () => Promise<T>) => lookup(),
});
