import { createHash, randomBytes } from "node:crypto";
import { postgresNotifyChannel } from "../../cache/postgres-notify.ts";
import { redisPubSubChannel } from "../../cache/redis-pubsub.ts";
import {
  type ChannelHandlers,
  localChannel,
  MAX_PAYLOAD_BYTES,
  type RevocationChannel,
} from "../../cache/types.ts";
import { InvalidConfigError } from "../../shared/errors.ts";
import type { Connection } from "../../store/connect.ts";
import type { Db } from "../../store/dialect.ts";
import type { ResolvedSessionCache } from "../config/session-cache-options.ts";
import type { Settings } from "../config/settings.ts";
import { type Revocation, SessionCache } from "./session-cache.ts";

/** The session cache of one `createGuestUsers()`: the memory, and the channel that keeps it honest. */
export interface SessionCacheRuntime {
  readonly cache: SessionCache;
  readonly kind: RevocationChannel["kind"];
  /** True when sessions may be served from memory now (the channel listens); starts it lazily. */
  usable(): boolean;
  /** True while the channel listens (without starting it). */
  readonly listening: boolean;
  /**
   * Drops what `revocation` names from this process's cache at once and tells every other
   * process, through `db`: right after an auto-committed statement, or with the transaction
   * `db` is (PostgreSQL delivers at commit; Redis publishes now and holds the sessions out of
   * every cache for `ttlMs`, since readers may still see the rows until the commit).
   */
  revoke(db: Db, revocation: Revocation): Promise<void>;
  close(): Promise<void>;
}

/** Payload: f = sender, s = session ids, u = user ids, a = everything, h = sent before commit. */
interface Message {
  readonly f: string;
  readonly s?: string[];
  readonly u?: (string | number)[];
  readonly a?: 1;
  readonly h?: 1;
}

/** Past this many payloads for one revocation, "everything" is sent instead. */
const MAX_PAYLOADS = 8;

/** The default channel: derived from the sessions table, at most 63 bytes (PostgreSQL's limit). */
export function defaultChannel(sessionsTable: string): string {
  const name = `guest_user:${sessionsTable}`;
  return Buffer.byteLength(name) <= 63
    ? name
    : `guest_user:${createHash("sha256").update(sessionsTable).digest("hex").slice(0, 40)}`;
}

/** Splits a revocation into payloads under {@link MAX_PAYLOAD_BYTES}. */
export function encodeRevocation(from: string, revocation: Revocation, hold: boolean): string[] {
  const base = { f: from, ...(hold ? { h: 1 as const } : {}) };
  const everything = [JSON.stringify({ ...base, a: 1 })];
  if (revocation.everything) return everything;
  const payloads: string[] = [];
  const emptySize = JSON.stringify(base).length + 20;
  let current: { s: (string | number)[]; u: (string | number)[] } = { s: [], u: [] };
  let size = emptySize;
  const flush = () => {
    const { s, u } = current;
    if (s.length + u.length === 0) return;
    // An empty list is left out (JSON.stringify drops undefined).
    payloads.push(
      JSON.stringify({ ...base, s: s.length ? s : undefined, u: u.length ? u : undefined }),
    );
    current = { s: [], u: [] };
    size = emptySize;
  };
  const add = (list: "s" | "u", item: string | number) => {
    const bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (size + bytes > MAX_PAYLOAD_BYTES) flush();
    current[list].push(item);
    size += bytes;
  };
  for (const id of revocation.sessions ?? []) add("s", id);
  for (const id of revocation.users ?? []) add("u", id);
  flush();
  return payloads.length > MAX_PAYLOADS ? everything : payloads;
}

/** Reads a payload; null for anything that is not one of ours. */
export function decodeRevocation(payload: string): (Message & { revocation: Revocation }) | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const message = value as Message;
  if (typeof message.f !== "string") return null;
  const list = <T>(items: unknown, valid: (item: unknown) => item is T): T[] =>
    Array.isArray(items) ? items.filter(valid) : [];
  const isString = (item: unknown): item is string => typeof item === "string";
  const isId = (item: unknown): item is string | number =>
    typeof item === "string" || typeof item === "number";
  return {
    ...message,
    revocation: {
      everything: message.a === 1,
      sessions: list(message.s, isString),
      users: list(message.u, isId),
    },
  };
}

function pickChannel(
  options: ResolvedSessionCache,
  database: Pick<Connection, "quirks" | "postgresSource">,
  channel: string,
  logger: Settings["logger"],
  handlers: ChannelHandlers,
): RevocationChannel {
  const { redis } = options;
  const source = database.postgresSource;
  const auto = redis ? "redis" : source !== undefined ? "postgres" : null;
  const mode = options.invalidation === "auto" ? auto : options.invalidation;
  if (mode === "redis" && redis)
    return redisPubSubChannel({ client: redis, channel, handlers, logger });
  if (mode === "local") return localChannel(handlers);
  if (mode === "postgres" && source !== undefined)
    return postgresNotifyChannel({ source, channel, handlers, logger });
  const what = database.quirks.withoutListen;
  throw new InvalidConfigError(
    "sessionCache",
    `revoked sessions must reach every server's cache, and with ${what} that needs Redis: pass \`sessionCache: { redis }\` (an ioredis client), or \`invalidation: "local"\` if this is the only process${mode === "postgres" ? ", or a PostgreSQL URL or pg Pool as `database`" : ""}`,
  );
}

/**
 * Builds the session cache for the `sessionCache` setting: null when it is off (then nothing
 * is cached, published or listened to). Throws `INVALID_CONFIG` at start-up when no channel
 * fits the database (see `SessionCacheOptions.invalidation`).
 */
export function createSessionCacheRuntime(
  settings: Settings,
  database: Pick<Connection, "quirks" | "postgresSource">,
): SessionCacheRuntime | null {
  const options = settings.sessionCache;
  if (!options) return null;
  const cache = new SessionCache(options);
  const self = randomBytes(12).toString("base64url");
  const sent = new WeakMap<Db, Set<string>>();
  const channelName = options.channel ?? defaultChannel(settings.tables.sessions);
  const hold = () => {
    const now = settings.clock();
    return { now, until: now + options.ttlMs };
  };
  const channel: RevocationChannel = pickChannel(options, database, channelName, settings.logger, {
    onMessage(payload) {
      const message = decodeRevocation(payload);
      // Our own message: already applied, except that PostgreSQL's arrives at commit, when it
      // closes the window in which a reader of the old rows could have cached them again.
      if (!message || (message.f === self && !channel.deliversAtCommit)) return;
      cache.revoke(message.revocation, message.h ? hold() : undefined);
    },
    onListening: () => cache.clear(),
  });

  /** Leaves out what this transaction already published. */
  const unsent = (db: Db, revocation: Revocation): Revocation | null => {
    if (!db.isTransaction) return revocation;
    const keys = sent.get(db) ?? new Set<string>();
    sent.set(db, keys);
    if (keys.has("*")) return null;
    if (revocation.everything) {
      keys.add("*");
      return revocation;
    }
    const fresh = <T extends string | number>(prefix: string, ids: readonly T[] = []) =>
      ids.filter((id) => {
        const key = `${prefix}${String(id)}`;
        const first = !keys.has(key);
        keys.add(key);
        return first;
      });
    const left = {
      sessions: fresh("s:", revocation.sessions),
      users: fresh("u:", revocation.users),
    };
    return left.sessions.length + left.users.length > 0 ? left : null;
  };

  return {
    cache,
    kind: channel.kind,
    get listening() {
      return channel.listening;
    },
    usable() {
      channel.start();
      return channel.listening;
    },
    async revoke(db, revocation) {
      const holding = db.isTransaction && !channel.deliversAtCommit;
      cache.revoke(revocation, holding ? hold() : undefined);
      if (channel.kind === "local") return;
      const left = unsent(db, revocation);
      if (!left) return;
      for (const payload of encodeRevocation(self, left, holding))
        await channel.publish(db, payload);
    },
    close: () => channel.close(),
  };
}
