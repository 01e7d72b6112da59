import { sql } from "kysely";
import type { Client, ClientConfig, Notification } from "pg";
import type { Logger } from "../shared/logger.ts";
import { loadPeer } from "../shared/optional-peer.ts";
import type { Db } from "../store/dialect.ts";
import { type ChannelHandlers, type RevocationChannel, startHeartbeat } from "./types.ts";

/** Options of {@link postgresNotifyChannel}. */
export interface PostgresNotifyOptions {
  /** The connection URL, or the app's `pg` Pool (its `options` are copied). */
  readonly source: string | object;
  /** The NOTIFY channel (any text up to 63 bytes; quoted for LISTEN). */
  readonly channel: string;
  readonly handlers: ChannelHandlers;
  readonly logger: Logger;
}

/** The `application_name` of the LISTEN connection (unless the app's Pool sets its own). */
export const LISTENER_NAME = "guest-user session cache";

/**
 * PostgreSQL LISTEN/NOTIFY on ONE dedicated connection (a `pg` Client, never a pool slot),
 * opened on the first `start()`. Payloads are sent with `pg_notify()` through the caller's
 * `db`: inside a transaction PostgreSQL delivers them at commit, to every listener (this
 * process included), and drops them on rollback. When the connection fails (a restart,
 * `pg_terminate_backend`, a network cut noticed by the {@link startHeartbeat}), `listening` turns false
 * at once and the channel reconnects with backoff (100 ms doubling to 5 s).
 *
 * @example
 * ```ts
 * const channel = postgresNotifyChannel({ source: url, channel: "app", handlers, logger: console });
 * channel.start();
 * ```
 */
export function postgresNotifyChannel(options: PostgresNotifyOptions): RevocationChannel {
  const { source, channel, handlers, logger } = options;
  let client: Client | null = null;
  let listening = false;
  let started = false;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const setListening = (value: boolean) => {
    if (listening === value) return;
    listening = value;
    handlers.onListening(value);
  };

  /** Named, so that `pg_stat_activity` tells it apart (`application_name`). */
  const config = (): ClientConfig => {
    const named = { keepAlive: true, application_name: LISTENER_NAME };
    if (typeof source === "string") return { connectionString: source, ...named };
    const poolOptions = (source as { options?: ClientConfig }).options ?? {};
    return { ...named, ...poolOptions, keepAlive: true };
  };

  const connect = async () => {
    if (closed) return;
    const pg = await loadPeer<typeof import("pg")>("pg");
    const current = new pg.default.Client(config());
    client = current;
    let failed = false;
    const fail = (error?: unknown) => {
      if (failed) return;
      failed = true;
      clearInterval(heartbeat);
      if (client === current) client = null;
      if (listening) {
        const reason = error instanceof Error ? ` (${error.message})` : "";
        logger.warn(
          `guest-user: the session cache's PostgreSQL LISTEN connection failed${reason}; sessions are read from the database until it is back.`,
        );
      }
      setListening(false);
      current.end().catch(() => {});
      if (closed) return;
      retry = setTimeout(() => void connect(), Math.min(5000, 100 * 2 ** failures));
      retry.unref();
      failures += 1;
    };
    current.on("error", fail);
    current.on("end", () => fail());
    current.on("notification", (message: Notification) => {
      if (message.channel === channel && typeof message.payload === "string")
        handlers.onMessage(message.payload);
    });
    try {
      await current.connect();
      await current.query(`listen "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      if (failures === 0)
        logger.warn(
          `guest-user: the session cache cannot LISTEN on PostgreSQL (${error instanceof Error ? error.message : String(error)}); sessions are read from the database until it can.`,
        );
      fail(error);
      return;
    }
    if (closed || failed) {
      await current.end().catch(() => {});
      return;
    }
    if (failures > 0) logger.warn("guest-user: the session cache listens on PostgreSQL again.");
    failures = 0;
    heartbeat = startHeartbeat(() => current.query("select 1"), fail);
    setListening(true);
  };

  return {
    kind: "postgres",
    deliversAtCommit: true,
    get listening() {
      return listening;
    },
    start() {
      if (started || closed) return;
      started = true;
      connect().catch((error: unknown) => {
        logger.error("guest-user: the session cache cannot listen on PostgreSQL", error);
      });
    },
    async publish(db: Db, payload: string) {
      await sql`select pg_notify(${channel}, ${payload})`.execute(db);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      setListening(false);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
