import type { Cluster, Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import * as v from "valibot";
import type { Logger } from "../shared/logger.ts";
import { type EntriesOf, optionBag, parseOptions } from "../shared/option-schema.ts";
import { oneOf, text, warnLogger, wholeNumber, withMethods } from "../shared/option-values.ts";
import { memoryLimitStore } from "./memory.ts";
import { type LimitStore, type RateLimit, verdict } from "./types.ts";

/** What a {@link redisLimitStore} does while Redis does not answer. */
export type RedisUnavailable = "memory" | "allow" | "refuse";

/** Options of {@link redisLimitStore}. */
export interface RedisLimitStoreOptions {
  /** An ioredis 5 client (`new Redis(url)`) or cluster (`new Cluster([...])`), shared with the app. */
  readonly client: Redis | Cluster;
  /**
   * Prepended to every key, so several apps can share one Redis.
   * @default "guest-user:"
   * @example prefix: "shop:limits:"
   */
  readonly prefix?: string;
  /**
   * While Redis is unreachable or slower than `timeoutMs`: `"memory"` counts in this process's
   * memory (each server on its own, as without Redis) until Redis answers again; `"allow"` lets
   * every request through (no limit at all); `"refuse"` refuses them all (429 for logins, no new
   * guests). One warning is logged when an outage starts and one when it ends.
   * @default "memory"
   */
  readonly onUnavailable?: RedisUnavailable;
  /**
   * Milliseconds a Redis command may take before Redis counts as unavailable for that request.
   * @default 1000
   */
  readonly timeoutMs?: number;
  /** Where outages are reported. @default console */
  readonly logger?: Logger;
}

const REDIS_LIMIT_STORE_OPTIONS = optionBag({
  client: withMethods<Redis | Cluster>(
    ["eval", "defineCommand"],
    "an ioredis 5 Redis or Cluster client",
  ),
  prefix: v.optional(text, "guest-user:"),
  onUnavailable: v.optional(oneOf("memory", "allow", "refuse"), "memory"),
  timeoutMs: v.optional(wholeNumber(1), 1000),
  logger: warnLogger,
} satisfies EntriesOf<RedisLimitStoreOptions>);

/** The statuses in which ioredis cannot send a command now (it would queue it). */
const DOWN = new Set(["reconnecting", "close", "end"]);

/**
 * `consume`: counts ARGV[1] units on KEYS[1] when the window has room under ARGV[2], opening a
 * window of ARGV[3] ms at the first unit; answers `{ allowed, used, resetAt }`. One script, so
 * atomic across servers; the window's end is Redis' own clock plus the key's PTTL, so every
 * call of a window answers the same instant. The key holds a plain counter with an expiry, as
 * rate-limiter-flexible's.
 */
const CONSUME = `
local amount = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
local ttl = redis.call('pttl', KEYS[1])
local time = redis.call('time')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local used = 0
if ttl > 0 then used = tonumber(redis.call('get', KEYS[1]) or '0') else ttl = 0 end
if amount > 0 and used + amount <= max then
  if ttl > 0 then
    redis.call('incrby', KEYS[1], amount)
  else
    ttl = tonumber(ARGV[3])
    redis.call('set', KEYS[1], amount, 'PX', ttl)
  end
  return {1, used + amount, now + ttl}
end
local reset = 0
if ttl > 0 then reset = now + ttl end
if used + amount <= max then return {1, used, reset} end
return {0, used, reset}`;

/** A refused hit is an answer (`consume()` rejects with its counts), not a failure. */
const refused = (error: unknown) =>
  error instanceof RateLimiterRes ? error : Promise.reject(error);

/**
 * A {@link LimitStore} in Redis, so that every server counts against the same limits
 * (`guestCreationLimit`, `loginLimit`). Built on rate-limiter-flexible's `RateLimiterRedis`:
 * one atomic Lua script per hit, fixed windows that start at a key's first hit (a refused
 * hit does not extend them), whole seconds (a fractional `windowSeconds` is rounded up).
 * Needs the optional peer dependencies `ioredis` (5) and `rate-limiter-flexible` (7 or later).
 *
 * When Redis fails: see {@link RedisLimitStoreOptions.onUnavailable}.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * import { createGuestUsers } from "guest-user";
 * import { redisLimitStore } from "guest-user/redis";
 *
 * const guestUsers = createGuestUsers({
 *   limitStore: redisLimitStore({ client: new Redis(process.env.REDIS_URL) }),
 *   guestCreationLimit: { max: 60, windowSeconds: 3600 },
 * });
 * ```
 */
export function redisLimitStore(options: RedisLimitStoreOptions): Required<LimitStore> {
  const { client, prefix, onUnavailable, timeoutMs, logger } = parseOptions(
    REDIS_LIMIT_STORE_OPTIONS,
    options,
    "redisLimitStore()",
  );
  const fallback = memoryLimitStore();
  const limiters = new Map<string, RateLimiterRedis>();
  let outage = false;

  const limiterFor = (limit: RateLimit) => {
    const duration = Math.max(1, Math.ceil(limit.windowSeconds));
    const id = `${limit.max}/${duration}`;
    // keyPrefix "" and our own prefix: every limiter reads and writes the same key.
    const options = { storeClient: client, points: limit.max, duration, keyPrefix: "" };
    const limiter = limiters.get(id) ?? new RateLimiterRedis(options);
    limiters.set(id, limiter);
    return limiter;
  };

  /** Runs one Redis call within `timeoutMs`; Redis' own failures become one `Error`. */
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const status = (client as { status?: string }).status;
      if (status && DOWN.has(status)) throw new Error(`the client is ${status}`);
      const result = await Promise.race([run(), timeout]);
      if (outage) {
        outage = false;
        logger.warn("guest-user: Redis answers again; rate limits are shared again.");
      }
      return result;
    } catch (error) {
      if (!outage) {
        outage = true;
        const reason = error instanceof Error ? error.message : String(error);
        logger.warn(
          `guest-user: Redis limit store unavailable (${reason}); ${OUTAGE_MODE[onUnavailable]} until it answers again.`,
        );
      }
      throw new Error("Redis unavailable", { cause: error });
    } finally {
      clearTimeout(timer);
    }
  };

  const whileDown = async (key: string, limit: RateLimit, read: "hit" | "peek") => {
    if (onUnavailable === "memory") return fallback[read](key, limit);
    if (onUnavailable === "allow") return verdict(0, limit, 0, false);
    const retryAfterSeconds = Math.max(1, Math.min(60, Math.ceil(limit.windowSeconds)));
    return { allowed: false, retryAfterSeconds, firstRefusal: false };
  };

  const verdictOf = (res: RateLimiterRes, limit: RateLimit, counted: boolean) => {
    const msLeft = res.msBeforeNext >= 0 ? res.msBeforeNext : limit.windowSeconds * 1000;
    return verdict(res.consumedPoints, limit, msLeft, counted);
  };

  return {
    async hit(key, limit) {
      try {
        const res = await call(() =>
          limiterFor(limit)
            .consume(prefix + key, 1)
            .catch(refused),
        );
        return verdictOf(res, limit, true);
      } catch {
        return whileDown(key, limit, "hit");
      }
    },
    async peek(key, limit) {
      try {
        const res = await call(() => limiterFor(limit).get(prefix + key));
        return res ? verdictOf(res, limit, false) : verdict(0, limit, 0, false);
      } catch {
        return whileDown(key, limit, "peek");
      }
    },
    async consume(key, amount, limit) {
      const windowMs = Math.max(1000, Math.ceil(limit.windowSeconds) * 1000);
      try {
        const [allowed, used, resetAt] = (await call(() =>
          client.eval(CONSUME, 1, prefix + key, amount, limit.max, windowMs),
        )) as [number, number, number];
        const reset = Number(resetAt);
        return { allowed: allowed === 1, used: Number(used), resetAt: reset > 0 ? reset : null };
      } catch {
        if (onUnavailable === "memory") return fallback.consume(key, amount, limit);
        if (onUnavailable === "allow") return { allowed: true, used: 0, resetAt: null };
        const resetAt = Date.now() + Math.min(60_000, windowMs);
        return { allowed: false, used: limit.max, resetAt };
      }
    },
    async reset(key) {
      await fallback.reset(key);
      try {
        await call(() => client.del(prefix + key));
      } catch {
        // Already reported; the key expires with its window.
      }
    },
  };
}

const OUTAGE_MODE: Record<RedisUnavailable, string> = {
  memory: "counting in this process's memory",
  allow: "not limiting",
  refuse: "refusing every limited request",
};
