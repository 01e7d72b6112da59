import type { Logger } from "../shared/logger.ts";
import { type ChannelHandlers, type RevocationChannel, startHeartbeat } from "./types.ts";

/**
 * The slice of an ioredis 5 connection a subscriber uses. Declared here so that the
 * package's types never name `ioredis` (an optional peer): any ioredis `Redis` fits.
 */
export interface RedisSubscriber {
  /** `"ready"` when commands can be sent. */
  readonly status: string;
  subscribe(channel: string): Promise<unknown>;
  on(event: string, listener: (...args: string[]) => void): unknown;
  /** PING (allowed on a subscribed connection): the heartbeat. */
  ping(): Promise<unknown>;
  /** With `true`, ioredis reconnects at once. */
  disconnect(reconnect?: boolean): void;
}

/**
 * The slice of an ioredis 5 client the session cache uses: `publish` on it, and a
 * `duplicate()` to subscribe with. `new Redis(url)` from `ioredis` fits.
 */
export interface RedisPubSubClient {
  publish(channel: string, message: string): Promise<unknown>;
  duplicate(): RedisSubscriber;
}

/** Options of {@link redisPubSubChannel}. */
export interface RedisPubSubOptions {
  /** The app's client: we publish on it and subscribe on a duplicate of it. */
  readonly client: RedisPubSubClient;
  readonly channel: string;
  readonly handlers: ChannelHandlers;
  readonly logger: Logger;
}

/** Milliseconds a publish may take before it is given up (with a warning). */
const PUBLISH_TIMEOUT_MS = 1000;

/**
 * Redis pub/sub: publishes on the app's client, subscribes on `client.duplicate()` (a
 * subscribed connection can do nothing else), opened on the first `start()`. `listening` is
 * true only between a confirmed SUBSCRIBE and the next disconnection (ioredis reconnects by
 * itself; we subscribe again on every `ready`).
 *
 * @example
 * ```ts
 * const channel = redisPubSubChannel({ client: new Redis(url), channel: "app", handlers, logger: console });
 * channel.start();
 * ```
 */
export function redisPubSubChannel(options: RedisPubSubOptions): RevocationChannel {
  const { client, channel, handlers, logger } = options;
  let heartbeat: NodeJS.Timeout | undefined;
  let subscriber: RedisSubscriber | null = null;
  let listening = false;
  let closed = false;
  let wasUp = false;

  const setListening = (value: boolean) => {
    if (listening === value) return;
    listening = value;
    if (!value && wasUp && !closed)
      logger.warn(
        "guest-user: the session cache's Redis subscription is down; sessions are read from the database until it is back.",
      );
    if (value && wasUp) logger.warn("guest-user: the session cache's Redis subscription is back.");
    if (value) wasUp = true;
    handlers.onListening(value);
  };

  const subscribe = (connection: RedisSubscriber) => {
    connection.subscribe(channel).then(
      () => {
        if (!closed && connection.status === "ready") setListening(true);
      },
      () => setListening(false),
    );
  };

  return {
    kind: "redis",
    deliversAtCommit: false,
    get listening() {
      return listening;
    },
    start() {
      if (subscriber || closed) return;
      const connection = client.duplicate();
      subscriber = connection;
      connection.on("message", (from, payload) => {
        if (from === channel && typeof payload === "string") handlers.onMessage(payload);
      });
      connection.on("ready", () => subscribe(connection));
      // "error" too: reported through the state; without a listener ioredis would print each one.
      for (const event of ["close", "end", "reconnecting", "error"])
        connection.on(event, () => setListening(false));
      if (connection.status === "ready") subscribe(connection);
      // A failed PING is reported by the connection's own events.
      const ping = () => (listening ? connection.ping().catch(() => {}) : null);
      heartbeat = startHeartbeat(ping, () => {
        setListening(false);
        connection.disconnect(true);
      });
    },
    async publish(_db, payload) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        const ms = PUBLISH_TIMEOUT_MS;
        timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
      });
      try {
        await Promise.race([client.publish(channel, payload), timeout]);
      } catch (error) {
        logger.warn(
          `guest-user: the session cache could not publish a revocation to Redis (${error instanceof Error ? error.message : String(error)}); other servers may serve the revoked session until their sessionCache.ttlMs ends.`,
        );
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      setListening(false);
      subscriber?.disconnect();
      subscriber = null;
    },
  };
}
