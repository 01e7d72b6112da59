import * as v from "valibot";
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

const SWEEP_ABOVE = 10_000;

/**
 * Fixed-window counters in this process's memory: the default {@link LimitStore}. Each
 * server counts on its own (use `redisLimitStore()` to share counts). Memory stays bounded:
 * ended windows are swept once the map grows, and past `maxKeys` the oldest keys go first.
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
  const windows = new Map<string, { count: number; resetAt: number }>();
  const sweep = (now: number) => {
    for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key);
    for (const key of windows.keys()) {
      if (windows.size <= maxKeys) break;
      windows.delete(key);
    }
  };
  return {
    get size() {
      return windows.size;
    },
    async hit(key, limit) {
      const now = clock();
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        if (windows.size >= SWEEP_ABOVE) sweep(now);
        window = { count: 0, resetAt: now + limit.windowSeconds * 1000 };
        windows.delete(key);
        windows.set(key, window);
      }
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
      if (!window) {
        if (windows.size >= SWEEP_ABOVE) sweep(now);
        window = { count: 0, resetAt: now + limit.windowSeconds * 1000 };
        windows.delete(key);
        windows.set(key, window);
      }
      window.count += amount;
      return { allowed: true, used: window.count, resetAt: window.resetAt };
    },
  };
}
