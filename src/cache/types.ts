import type { Db } from "../store/dialect.ts";

/** What a {@link RevocationChannel} tells its owner. */
export interface ChannelHandlers {
  /** A payload some process published (this one included, for PostgreSQL). */
  onMessage(payload: string): void;
  /**
   * The channel started (true) or stopped (false) receiving for sure. While false, messages
   * may be lost: the owner must not serve anything from memory.
   */
  onListening(listening: boolean): void;
}

/**
 * A broadcast channel between the processes of one app: PostgreSQL LISTEN/NOTIFY, Redis
 * pub/sub, or nothing (a single process).
 */
export interface RevocationChannel {
  /** `"postgres"`, `"redis"` or `"local"`. */
  readonly kind: "postgres" | "redis" | "local";
  /**
   * True when a payload published through a transaction is delivered when (and only if) it
   * commits, to every listener including this process (PostgreSQL's NOTIFY).
   */
  readonly deliversAtCommit: boolean;
  /** True while every published payload is surely received. */
  readonly listening: boolean;
  /** Starts listening (connects); idempotent, returns at once. */
  start(): void;
  /** Sends a payload (under 8000 bytes) to every listening process. */
  publish(db: Db, payload: string): Promise<void>;
  /** Stops listening and closes the connections this channel opened. */
  close(): Promise<void>;
}

/** The largest payload a channel must carry (PostgreSQL's NOTIFY limit is 8000 bytes). */
export const MAX_PAYLOAD_BYTES = 7900;

/**
 * Pings a channel's connection every 2 s (`ping` returns null: not now); a ping unanswered
 * for as long counts as a lost connection (`lost`), so a silent network cut is noticed
 * within 4 s. A ping that fails is `lost` too, unless `ping` catches it.
 */
export function startHeartbeat(
  ping: () => Promise<unknown> | null,
  lost: (error: unknown) => void,
): NodeJS.Timeout {
  const everyMs = 2000;
  const interval = setInterval(() => {
    const answer = ping();
    if (!answer) return;
    const timer = setTimeout(() => lost(new Error("heartbeat timed out")), everyMs);
    answer.catch(lost).finally(() => clearTimeout(timer));
  }, everyMs);
  interval.unref();
  return interval;
}

/** The local "channel": nothing to listen to, nothing to send; always listening. */
export function localChannel(handlers: ChannelHandlers): RevocationChannel {
  let started = false;
  return {
    kind: "local",
    deliversAtCommit: false,
    listening: true,
    start() {
      if (started) return;
      started = true;
      handlers.onListening(true);
    },
    async publish() {},
    async close() {},
  };
}
