import { randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";

/** The Redis the tests use. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** How to start Redis when it is down (printed when its tests are skipped). */
export const REDIS_START = "redis-server --daemonize yes";

/** Null when Redis answers a PING, else why not. In CI a missing Redis fails the run. */
export async function redisProblem(): Promise<string | null> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    const problem = error instanceof Error ? error.message : String(error);
    if (process.env.CI) throw new Error(`Redis is not reachable at ${REDIS_URL}: ${problem}`);
    console.warn(
      `\n[guest-user tests] SKIPPING Redis tests: ${REDIS_URL} (${problem}). Start it with: ${REDIS_START}\n`,
    );
    return problem;
  } finally {
    client.disconnect();
  }
}

/** A key prefix no other test uses. */
export function uniquePrefix(label: string): string {
  return `gu-test:${label}:${randomBytes(4).toString("hex")}:`;
}

/** A client that is connected (ready) when returned. */
export async function readyClient(url = REDIS_URL): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  return client;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}*`);
  if (keys.length > 0) await client.del(...keys);
}

/** A port on 127.0.0.1 nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A TCP proxy in front of Redis that a test can cut (`down()`: connections dropped, port
 * closed) and restore (`up()`) to stage an outage; or, with `blackHole`, a server that accepts
 * connections and never answers.
 */
export interface RedisProxy {
  readonly port: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function redisProxy(options: { blackHole?: boolean } = {}): Promise<RedisProxy> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    const next = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
      if (options.blackHole) return;
      const upstream = connect(Number(target.port || 6379), target.hostname);
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      upstream.on("error", () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve) => next.listen(port, "127.0.0.1", resolve));
    port = (next.address() as { port: number }).port;
    server = next;
  };
  const down = async () => {
    const current = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (current) await new Promise((resolve) => current.close(resolve));
  };
  await listen();
  return {
    get port() {
      return port;
    },
    down,
    up: listen,
    close: down,
  };
}
