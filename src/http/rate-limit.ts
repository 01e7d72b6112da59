/** How many guests one client address may create per window. */
export interface GuestCreationLimit {
  /** Guests per window and address. */
  readonly max: number;
  /** The window, in seconds. */
  readonly windowSeconds: number;
}

const SWEEP_ABOVE = 10_000;
const HARD_CAP = 200_000;

/**
 * An in-memory, fixed-window counter per key (a client address): `take(key)` answers
 * `"allowed"` while the key is under `max` in the current window, then `"limited"` (the first
 * refusal of a window says `"newly-limited"`, so callers can log once, not on every hit). Memory stays bounded: expired windows are swept
 * once the map grows, and past a hard cap the oldest keys go first.
 *
 * @example
 * ```ts
 * const limiter = fixedWindowLimiter({ max: 60, windowSeconds: 3600 }, Date.now);
 * if (limiter.take(ip) !== "allowed") return serveAnonymously();
 * ```
 */
export function fixedWindowLimiter(limit: GuestCreationLimit, clock: () => number) {
  const windows = new Map<string, { count: number; resetAt: number }>();
  /** Refusals are counted too (up to max + 1) so that only the first one is "newly-limited". */
  const sweep = (now: number) => {
    for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key);
    for (const key of windows.keys()) {
      if (windows.size <= HARD_CAP) break;
      windows.delete(key);
    }
  };
  return {
    /** How many addresses are tracked now. */
    get size() {
      return windows.size;
    },
    take(key: string): "allowed" | "newly-limited" | "limited" {
      const now = clock();
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        if (windows.size >= SWEEP_ABOVE) sweep(now);
        window = { count: 0, resetAt: now + limit.windowSeconds * 1000 };
        windows.delete(key);
        windows.set(key, window);
      }
      if (window.count > limit.max) return "limited";
      window.count++;
      return window.count > limit.max ? "newly-limited" : "allowed";
    },
  };
}
