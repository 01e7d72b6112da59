import * as v from "valibot";
import { oldestFirst } from "../shared/oldest-first.ts";
import { type EntriesOf, optionBag, parseOptions } from "../shared/option-schema.ts";
import { aFunction, describeKind, wholeNumber } from "../shared/option-values.ts";
import { type LimitStore, verdict } from "./types.ts";

/** Options of {@link memoryLimitStore}. */
export interface MemoryLimitStoreOptions {
  /** The clock, in milliseconds since the epoch. @default Date.now */
  readonly clock?: () => number;
  /** Keys tracked at most; past it the oldest go first. @default 200000 */
  readonly maxKeys?: number;
}

const MEMORY_LIMIT_STORE_OPTIONS = optionBag({
  clock: v.optional(aFunction<() => number>("a function", describeKind), () => Date.now),
  maxKeys: v.optional(wholeNumber(1), 200_000),
} satisfies EntriesOf<MemoryLimitStoreOptions>);

/** New windows between two sweeps of ended ones, at least (more when the map is bigger). */
const SWEEP_EVERY = 10_000;

/**
 * Fixed-window counters in this process's memory: the default {@link LimitStore}. Each
 * server counts on its own (use `redisLimitStore()` to share counts). Memory stays bounded:
 * ended windows are swept as new ones open, and never more than `maxKeys` keys are held (past
 * it the oldest window goes first). Each sweep walks the whole map, so sweeps are spaced by
 * as many new windows as the map holds (at least 10,000; a quarter of it once it is full): a
 * flood of new addresses costs amortised constant time per hit, not one walk per address.
 *
 * @example
 * ```ts
 * const guestUsers = createGuestUsers({ limitStore: memoryLimitStore(), guestCreationLimit: { max: 60, windowSeconds: 3600 } });
 * ```
 */
export function memoryLimitStore(options: MemoryLimitStoreOptions = {}): Required<LimitStore> & {
  /** How many keys are tracked now. */
  readonly size: number;
} {
  const { clock, maxKeys } = parseOptions(
    MEMORY_LIMIT_STORE_OPTIONS,
    options,
    "memoryLimitStore()",
  );
  // Insertion order is window-start order (a key's new window is deleted and set again), so
  // the first key is the oldest window.
  const windows = new Map<string, { count: number; resetAt: number }>();
  const oldest = oldestFirst(windows);
  let openedSinceSweep = 0;
  let sweepEvery = SWEEP_EVERY;
  /** Opens a new window for `key` (dropping its ended one), making room for it first. */
  const open = (key: string, now: number, windowSeconds: number) => {
    windows.delete(key);
    openedSinceSweep++;
    const full = windows.size >= maxKeys;
    // A sweep walks the whole map: due once as many windows opened as it held after the last
    // one, or, when the map is full, a quarter as many (ended windows go before live ones).
    if (openedSinceSweep >= sweepEvery || (full && openedSinceSweep * 4 >= windows.size)) {
      for (const [held, window] of windows) if (window.resetAt <= now) windows.delete(held);
      openedSinceSweep = 0;
      sweepEvery = Math.max(SWEEP_EVERY, windows.size);
    }
    if (windows.size < maxKeys) oldest.changed();
    while (windows.size >= maxKeys) oldest.evict();
    const window = { count: 0, resetAt: now + windowSeconds * 1000 };
    windows.set(key, window);
    return window;
  };
  return {
    get size() {
      return windows.size;
    },
    async hit(key, limit) {
      const now = clock();
      let window = windows.get(key);
      if (!window || window.resetAt <= now) window = open(key, now, limit.windowSeconds);
      const counted = window.count <= limit.max;
      if (counted) window.count++;
      return verdict(window.count, limit, window.resetAt - now, counted);
    },
    async peek(key, limit) {
      const now = clock();
      const window = windows.get(key);
      const count = window && window.resetAt > now ? window.count : 0;
      return verdict(count, limit, (window?.resetAt ?? now) - now, false);
    },
    async reset(key) {
      windows.delete(key);
      oldest.changed();
    },
    async consume(key, amount, limit) {
      const now = clock();
      let window = windows.get(key);
      if (window && window.resetAt <= now) window = undefined;
      const used = window?.count ?? 0;
      if (amount <= 0 || used + amount > limit.max) {
        return {
          allowed: used + amount <= limit.max,
          used,
          resetAt: window?.resetAt ?? null,
        };
      }
      if (!window) window = open(key, now, limit.windowSeconds);
      window.count += amount;
      return { allowed: true, used: window.count, resetAt: window.resetAt };
    },
  };
}
