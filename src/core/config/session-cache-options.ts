import * as v from "valibot";
import type { RedisPubSubClient } from "../../cache/redis-pubsub.ts";
import { accepted, type EntriesOf, optionBag, type Same } from "../../shared/option-schema.ts";
import {
  isSeconds,
  matching,
  oneOf,
  orNull,
  positiveInteger,
  withMethods,
} from "../../shared/option-values.ts";

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
 * The `sessionCache` option's schema: defaults filled in, `redis` and `channel` null when
 * absent; `invalidation: "redis"` needs a client.
 */
export const SESSION_CACHE_OPTIONS = v.pipe(
  optionBag({
    ttlMs: v.nullish(accepted<number>(isSeconds, "a positive number of milliseconds"), 30_000),
    max: v.nullish(positiveInteger, 10_000),
    invalidation: v.nullish(oneOf("auto", "postgres", "redis", "local"), "auto"),
    redis: orNull(
      withMethods<RedisPubSubClient>(
        ["publish", "duplicate"],
        "an ioredis 5 client (new Redis(url))",
      ),
    ),
    channel: orNull(matching(/^[\w.:-]{1,63}$/, '1 to 63 letters, digits or ".:-_"')),
  } satisfies EntriesOf<SessionCacheOptions>),
  v.forward(
    v.check(
      (cache) => cache.invalidation !== "redis" || cache.redis !== null,
      'invalidation "redis" needs a client: pass `sessionCache: { redis: new Redis(url) }`',
    ),
    ["redis"],
  ),
);

/** {@link SessionCacheOptions} checked, defaults filled in. */
export interface ResolvedSessionCache {
  readonly ttlMs: number;
  readonly max: number;
  readonly invalidation: SessionCacheInvalidation;
  readonly redis: RedisPubSubClient | null;
  readonly channel: string | null;
}
const _resolved: Same<ResolvedSessionCache, v.InferOutput<typeof SESSION_CACHE_OPTIONS>> = true;
