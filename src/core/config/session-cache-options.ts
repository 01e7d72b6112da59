import type { RedisPubSubClient } from "../../cache/redis-pubsub.ts";
import { InvalidConfigError } from "../../shared/errors.ts";
import type { KeysOf } from "../../shared/option-keys.ts";
import { describe } from "./checks.ts";

/** How revocations reach the other servers' caches. */
export type SessionCacheInvalidation = "auto" | "postgres" | "redis" | "local";

/**
 * The opt-in session cache (`sessionCache` option of `createGuestUsers()`): a returning
 * visitor's session is served from this process's memory, with no database round trip, and
 * every revocation (logout, conversion, deletion, clean-up, `invalidateUserSessions`, a
 * password change) is pushed to every server, which drops the session within the
 * documented bound (100 ms; a few milliseconds in practice).
 *
 * @example
 * ```ts
 * createGuestUsers({ database: process.env.DATABASE_URL, sessionCache: { ttlMs: 30_000 } });
 * ```
 */
export interface SessionCacheOptions {
  /**
   * Milliseconds a looked-up session is served from memory before it is read again. Only
   * what the app changes in the database behind the library's back (its own SQL on the users
   * table, say) can be this stale; every change made through the library is pushed at once.
   * @default 30000
   */
  readonly ttlMs?: number;
  /**
   * Sessions kept in memory at most; the least recently used goes first.
   * @default 10000
   */
  readonly max?: number;
  /**
   * `"auto"`: Redis when `redis` is given, else PostgreSQL LISTEN/NOTIFY when the database is
   * a PostgreSQL URL or a `pg` Pool, else an `INVALID_CONFIG` error at start-up (SQLite,
   * MySQL/MariaDB and a Kysely instance need Redis). `"local"`: no push at all, for a single
   * process only (the cache of another process would go stale until `ttlMs`). PostgreSQL
   * listens on one dedicated connection per process (not a pool slot), which must reach the
   * server directly or through a session-mode pooler (PgBouncer's transaction mode drops
   * LISTEN: use Redis there).
   * @default "auto"
   */
  readonly invalidation?: SessionCacheInvalidation;
  /**
   * An ioredis 5 client (`new Redis(url)`); revocations are published on it and received on
   * a `duplicate()` of it. The app keeps owning it (we never quit it).
   * @default undefined
   * @example redis: new Redis(process.env.REDIS_URL)
   */
  readonly redis?: RedisPubSubClient;
  /**
   * The PostgreSQL NOTIFY or Redis channel. Apps sharing a database or a Redis must differ;
   * the default is derived from the sessions table's name (so from `tablePrefix`).
   * @default "guest_user:<sessions table>"
   */
  readonly channel?: string;
}

/**
 * The keys of {@link SessionCacheOptions}, for the unknown-option check (every key listed;
 * `redis` is the app's client, never looked into).
 */
export const SESSION_CACHE_OPTION_KEYS = {
  ttlMs: true,
  max: true,
  invalidation: true,
  redis: true,
  channel: true,
} as const satisfies KeysOf<SessionCacheOptions>;

/** {@link SessionCacheOptions} checked, defaults filled in. */
export interface ResolvedSessionCache {
  readonly ttlMs: number;
  readonly max: number;
  readonly invalidation: SessionCacheInvalidation;
  readonly redis: RedisPubSubClient | null;
  readonly channel: string | null;
}

const MODES: readonly SessionCacheInvalidation[] = ["auto", "postgres", "redis", "local"];

/**
 * Checks the `sessionCache` option: null when absent (the cache is off), else the settings.
 * Throws `INVALID_CONFIG` naming the bad field.
 * @example
 * ```ts
 * resolveSessionCache({ ttlMs: 5000 }); // { ttlMs: 5000, max: 10000, invalidation: "auto", ... }
 * ```
 */
export function resolveSessionCache(
  value: SessionCacheOptions | null | undefined,
): ResolvedSessionCache | null {
  if (value === undefined || value === null || (value as unknown) === false) return null;
  if (typeof value !== "object")
    throw new InvalidConfigError(
      "sessionCache",
      `expected null or { ttlMs, max, invalidation, redis }, got ${describe(value)}`,
    );
  const ttlMs = value.ttlMs ?? 30_000;
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new InvalidConfigError(
      "sessionCache.ttlMs",
      `expected a positive number of milliseconds, got ${describe(ttlMs)}`,
    );
  const max = value.max ?? 10_000;
  if (!Number.isInteger(max) || max < 1)
    throw new InvalidConfigError(
      "sessionCache.max",
      `expected a positive integer, got ${describe(max)}`,
    );
  const invalidation = value.invalidation ?? "auto";
  if (!MODES.includes(invalidation))
    throw new InvalidConfigError(
      "sessionCache.invalidation",
      `expected "auto", "postgres", "redis" or "local", got ${describe(invalidation)}`,
    );
  const redis = value.redis ?? null;
  if (
    redis !== null &&
    (typeof redis.publish !== "function" || typeof redis.duplicate !== "function")
  )
    throw new InvalidConfigError(
      "sessionCache.redis",
      "expected an ioredis 5 client (new Redis(url))",
    );
  if (invalidation === "redis" && redis === null)
    throw new InvalidConfigError(
      "sessionCache.redis",
      'invalidation "redis" needs a client: pass `sessionCache: { redis: new Redis(url) }`',
    );
  const channel = value.channel ?? null;
  if (channel !== null && (typeof channel !== "string" || !/^[\w.:-]{1,63}$/.test(channel)))
    throw new InvalidConfigError(
      "sessionCache.channel",
      `expected 1 to 63 letters, digits or ".:-_", got ${describe(channel)}`,
    );
  return { ttlMs, max, invalidation, redis, channel };
}
