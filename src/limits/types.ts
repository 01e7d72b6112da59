/** At most `max` hits per key every `windowSeconds`. */
export interface RateLimit {
  /** Hits allowed per window and key. */
  readonly max: number;
  /** The window, in seconds. */
  readonly windowSeconds: number;
}

/** What a {@link LimitStore} answers for one hit. */
export interface LimitVerdict {
  /** False once the key is over its limit in the current window. */
  readonly allowed: boolean;
  /** Seconds until the window ends (0 while allowed). */
  readonly retryAfterSeconds: number;
  /** True for the first refusal of a window only, so callers can log once, not per hit. */
  readonly firstRefusal: boolean;
}

/**
 * The verdict on a key hit `count` times in a window that ends in `msLeft`; `counted` when
 * this hit was counted. Refusals count too, up to `max + 1`, so exactly one hit of a window
 * (on any server: the counters are atomic) reads `max + 1`: its `firstRefusal`.
 */
export function verdict(count: number, limit: RateLimit, msLeft: number, counted = true) {
  const allowed = count <= limit.max;
  return {
    allowed,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(msLeft / 1000)),
    firstRefusal: counted && count === limit.max + 1,
  } satisfies LimitVerdict;
}

/** What {@link LimitStore.consume} answers. */
export interface ConsumeVerdict {
  /** True when the units were counted: the window had room for all of them. */
  readonly allowed: boolean;
  /** Units counted in the current window, after this call (a refusal counts nothing). */
  readonly used: number;
  /**
   * When the window ends, in milliseconds since the epoch (the same instant for every call of
   * the window); null while no window is open (nothing counted yet).
   */
  readonly resetAt: number | null;
}

/**
 * Where rate-limit counters live: in memory (one process, the default) or in Redis (shared by
 * every server). Keys are opaque strings the library builds (`guest:<address>`, ...; the
 * address as `addressKey()` counts it: an IPv6 client by its /64); a store adds its own prefix.
 *
 * @example
 * ```ts
 * const verdict = await store.hit("guest:203.0.113.9", { max: 60, windowSeconds: 3600 });
 * if (!verdict.allowed) return tooManyRequests(verdict.retryAfterSeconds);
 * ```
 */
export interface LimitStore {
  /** Counts one hit for `key` and says whether it is still within `limit`. */
  hit(key: string, limit: RateLimit): Promise<LimitVerdict>;
  /** Reads the verdict for `key` without counting a hit. */
  peek(key: string, limit: RateLimit): Promise<LimitVerdict>;
  /** Forgets `key` (e.g. a username's failed logins after a successful one). */
  reset(key: string): Promise<void>;
  /**
   * Counts `amount` units for `key` only if the window still has room for all of them
   * (`used + amount <= limit.max`), atomically: two parallel calls for the last unit never both
   * pass. A refusal counts nothing; `amount` 0 only reads. A window opens at the first counted
   * unit and lasts `limit.windowSeconds` whatever `limit.max` later calls pass (quotas: a guest
   * who converts keeps its window and its count, under the registered `max`). Needed by the
   * `quotas` option; the built-in stores have it.
   */
  consume?(key: string, amount: number, limit: RateLimit): Promise<ConsumeVerdict>;
}
