/**
 * One measurement of `memory.ts`, in a fresh child process (started with `--expose-gc`): a
 * guest-user server on Hono 4 (@hono/node-server) whose state is filled for real, its RSS
 * and heapUsed read after a full GC before and after. Reads its {@link MemoryJob} from the
 * BENCH_MEMORY environment variable, answers one {@link MemoryResult} over IPC and exits.
 *
 * - `sessions`: the first `count` seeded sessions (see `seedSessions()` in memory.ts) are each
 *   validated once by `validateSession(token)` in this process (8 at a time), the path every
 *   request takes; one HTTP request with a seeded cookie before and after checks the server.
 * - `addresses`: `count` distinct IPv4 addresses counted by `limitStore.hit("guest:<address>",
 *   guestCreationLimit)` in this process: the key and limit the library's guest admission
 *   uses (a first visit without a cookie hits it once, over HTTP, before the fill).
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { GuestUsers, User } from "../../src/index.ts";
import { BROWSER } from "./browser.ts";

/** The session every seeded guest gets: `<id>.<SEEDED_SECRET>`, ids from {@link seededSessionId}. */
export const SEEDED_SECRET = "bench-memory-secret-0123456789-abcdefghijkl";
/** The id (22 characters, as issued tokens have) of the seeded session of user `userId`. */
export const seededSessionId = (userId: number) => `s${String(userId).padStart(21, "0")}`;

/** What one child measures. */
export type MemoryJob =
  | {
      readonly kind: "sessions";
      readonly databaseUrl: string;
      /** Sessions to validate: users firstUserId .. firstUserId + count - 1. */
      readonly count: number;
      readonly firstUserId: number;
      /** `sessionCache.max`; null: the default. */
      readonly max: number | null;
    }
  | {
      readonly kind: "addresses";
      readonly databaseUrl: string;
      readonly count: number;
      /** `memoryLimitStore({ maxKeys })`; null: the default. */
      readonly maxKeys: number | null;
    };

/** Bytes read after `global.gc()`. */
export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
}

/** What the child reports. */
export interface MemoryResult {
  readonly baseline: MemorySample;
  readonly filled: MemorySample;
  /** Entries held after the fill (cache size or store size). */
  readonly entries: number;
  /** The most entries seen at any point of the fill (checked after every step). */
  readonly largest: number;
  /** The bound in force (`max` / `maxKeys`, defaults resolved). */
  readonly bound: number;
  /** Milliseconds the fill took. */
  readonly fillMs: number;
}

export const GUEST_CREATION_LIMIT = { max: 60, windowSeconds: 3600 } as const;

const SRC = process.env.BENCH_GUEST_USER_SRC
  ? pathToFileURL(`${resolve(process.env.BENCH_GUEST_USER_SRC)}/`).href
  : new URL("../../src/", import.meta.url).href;
const fromSrc = <T>(path: string): Promise<T> => import(new URL(path, SRC).href) as Promise<T>;

function sample(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("memory-server.ts needs node --expose-gc");
  for (let i = 0; i < 3; i++) gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

async function serve(guestUsers: GuestUsers): Promise<{ port: number; close(): Promise<void> }> {
  const { Hono } = await import("hono");
  const { serve: listen } = await import("@hono/node-server");
  const { guestUserHono } =
    await fromSrc<typeof import("../../src/adapters/hono/index.ts")>("adapters/hono/index.ts");
  const guestUser = guestUserHono(guestUsers);
  const app = new Hono<import("../../src/adapters/hono/index.ts").GuestUserEnv>();
  app.use(guestUser.session());
  const userJson = (user: User | null) => ({ user: user ? { id: user.id } : null });
  app.get("/page", guestUser.allowGuestUser(), (c) => c.json(userJson(c.var.user)));
  return new Promise((done) => {
    const server = listen({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      done({
        port: info.port,
        close: () => new Promise<void>((closed) => server.close(() => closed())),
      }),
    );
  });
}

/** One real request; throws unless it answers 200 with a user. */
async function visit(port: number, cookie: string | null): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/page`, {
    headers: { ...BROWSER, ...(cookie ? { cookie } : {}) },
  });
  const body = (await response.json()) as { user: unknown };
  if (response.status !== 200 || !body.user) {
    throw new Error(`GET /page answered ${response.status} without a user`);
  }
}

async function measure(job: MemoryJob): Promise<MemoryResult> {
  const { createGuestUsers, memoryLimitStore } =
    await fromSrc<typeof import("../../src/index.ts")>("index.ts");
  const { addressKey } =
    await fromSrc<typeof import("../../src/limits/address-key.ts")>("limits/address-key.ts");
  const store = memoryLimitStore(
    job.kind === "addresses" && job.maxKeys ? { maxKeys: job.maxKeys } : {},
  );
  const guestUsers = createGuestUsers({
    database: job.databaseUrl,
    secret: "bench-secret-bench-secret-bench-secret!",
    logger: { warn() {}, error() {} },
    limitStore: store,
    guestCreationLimit: GUEST_CREATION_LIMIT,
    sessionCache: {
      invalidation: "local",
      ...(job.kind === "sessions" && job.max ? { max: job.max } : {}),
    },
  });
  await guestUsers.migrate(); // done by the parent: a no-op that opens the pool
  const server = await serve(guestUsers);
  const cookieName = guestUsers.settings.cookie.name;
  const token = (userId: number) => `${seededSessionId(userId)}.${SEEDED_SECRET}`;
  try {
    const size =
      job.kind === "sessions" ? () => guestUsers.sessionCacheStatus()?.size ?? 0 : () => store.size;
    let firstToken: string | null = null;
    if (job.kind === "sessions") {
      firstToken = token(job.firstUserId);
      await visit(server.port, `${cookieName}=${firstToken}`);
    } else {
      await visit(server.port, null); // a first visit: one guest, one hit of the limiter
    }
    const baseline = sample();
    let largest = size();
    const started = performance.now();
    if (job.kind === "sessions") {
      let next = 0;
      const worker = async () => {
        while (next < job.count) {
          const userId = job.firstUserId + next++;
          if (!(await guestUsers.validateSession(token(userId)))) {
            throw new Error(`seeded session of user ${userId} did not validate`);
          }
          largest = Math.max(largest, size());
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    } else {
      for (let i = 0; i < job.count; i++) {
        const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        await store.hit(`guest:${addressKey(address)}`, GUEST_CREATION_LIMIT);
        largest = Math.max(largest, size());
      }
    }
    const fillMs = performance.now() - started;
    if (job.kind === "sessions") {
      const last = token(job.firstUserId + job.count - 1);
      await visit(server.port, `${cookieName}=${last}`);
    }
    const filled = sample();
    const bound =
      job.kind === "sessions"
        ? (guestUsers.settings.sessionCache?.max ?? 0)
        : (job.maxKeys ?? 200_000);
    return { baseline, filled, entries: size(), largest, bound, fillMs };
  } finally {
    await server.close();
    await guestUsers.close();
  }
}

async function main() {
  const raw = process.env.BENCH_MEMORY;
  if (!raw || !process.send) throw new Error("memory-server.ts is started by bench/http/memory.ts");
  const result = await measure(JSON.parse(raw) as MemoryJob);
  process.send({ type: "result", result }, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.send?.(
    { type: "error", message: error instanceof Error ? error.stack : String(error) },
    () => process.exit(1),
  );
});
