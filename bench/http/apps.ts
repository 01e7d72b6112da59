/**
 * The servers under test, each built as an app would: guest-user on Express 5 / Hono 4 /
 * Fastify 5 (documented set-up: the session middleware plus `allowGuestUser()` on the page),
 * the same framework serving the same page without guest-user ("bare"), and Better Auth with
 * its anonymous plugin on a plain node:http server through `toNodeHandler`.
 */
import type { Server } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { GuestUsers, User } from "../../src/index.ts";
import type { Framework } from "./args.ts";
import { betterAuthApp } from "./better-auth-app.ts";
import type { DatabaseTarget } from "./databases.ts";
import { openFloorDriver } from "./floor-drivers.ts";
import { type FloorAnswer, insertPage, lookupPage } from "./floor-pages.ts";
import { captureHotStatements } from "./floor-statements.ts";
import { closeNode, HOST, listenNode, portOf, type RunningApp } from "./node-listen.ts";

/** What a server child is asked to run. */
export type ServerConfig =
  | {
      readonly kind: "guest-user";
      readonly framework: Framework;
      readonly database: DatabaseTarget;
      /** `"onWrite"`: the lazy servers of the first-visit-lazy scenario. @default "onVisit" */
      readonly createGuests?: "onVisit" | "onWrite";
      /**
       * The servers of the returning-guest-cached scenario: `sessionCache` on (PostgreSQL:
       * revocations over LISTEN/NOTIFY; SQLite: `invalidation: "local"`, one process).
       * @default false
       */
      readonly sessionCache?: boolean;
      /** Another copy's src/ to run (`--compare`): the child gets it as BENCH_GUEST_USER_SRC. */
      readonly src?: string;
    }
  | { readonly kind: "bare"; readonly framework: Framework }
  | {
      /** The floors: guest-user's statements on the bare driver (floor-drivers.ts). */
      readonly kind: "floor";
      readonly framework: Framework;
      readonly database: DatabaseTarget;
      /** `"lookup"`: floor (a), the session lookup; `"insert"`: floor (b), a first visit's writes. */
      readonly floor: "lookup" | "insert";
    }
  | { readonly kind: "better-auth"; readonly database: DatabaseTarget };

export const BENCH_SECRET = "bench-secret-bench-secret-bench-secret!";

/**
 * The guest-user the servers run: this repository's build, `dist/` (what the package ships,
 * built by main.ts before the run: tsx's on-the-fly transpile of src/ adds a `__name()` call
 * per closure created, on every request), or the copy of src/ named by BENCH_GUEST_USER_SRC
 * (A/B runs, through tsx).
 */
const copy = process.env.BENCH_GUEST_USER_SRC;
const SRC = copy
  ? { base: pathToFileURL(`${resolve(copy)}/`).href, extension: ".ts" }
  : { base: new URL("../../dist/", import.meta.url).href, extension: ".js" };
const fromSrc = <T>(path: string): Promise<T> =>
  import(new URL(`${path}${SRC.extension}`, SRC.base).href) as Promise<T>;
type Adapters = {
  express: typeof import("../../src/adapters/express/index.ts");
  hono: typeof import("../../src/adapters/hono/index.ts");
  fastify: typeof import("../../src/adapters/fastify/index.ts");
};

/** The page: `{"user": ...}` as the library's views answer (the bare servers answer null). */
const userJson = (user: User | null | undefined) => ({
  user: user ? { id: user.id, username: user.username, isGuest: user.isGuest } : null,
});

/** What serves `/page`: guest-user, a floor handler given the Cookie header, or nothing (bare). */
type Page =
  | { readonly guestUsers: GuestUsers }
  | { readonly floor: (cookie: string | undefined) => Promise<FloorAnswer> }
  | null;

async function expressApp(page: Page): Promise<RunningApp> {
  const { default: express } = await import("express");
  const app = express();
  if (page && "floor" in page) {
    const { floor } = page;
    app.get("/page", async (req, res) => {
      const answer = await floor(req.headers.cookie);
      if (answer.setCookie) res.setHeader("set-cookie", answer.setCookie);
      res.json(answer.body);
    });
  } else if (page) {
    const { guestUsers } = page;
    const { guestUserExpress } = await fromSrc<Adapters["express"]>("adapters/express/index");
    const guestUser = guestUserExpress(guestUsers);
    app.use(guestUser.session());
    app.get("/page", guestUser.allowGuestUser(), (req, res) => {
      res.json(userJson(req.user ?? null));
    });
  } else {
    app.get("/page", (_req, res) => {
      res.json(userJson(null));
    });
  }
  const server = await listenNode(app);
  return { port: portOf(server), close: () => closeNode(server) };
}

async function honoApp(page: Page): Promise<RunningApp> {
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  let fetch: (request: Request) => Response | Promise<Response>;
  if (page && "floor" in page) {
    const { floor } = page;
    const app = new Hono();
    app.get("/page", async (c) => {
      const answer = await floor(c.req.header("cookie"));
      if (answer.setCookie) c.header("set-cookie", answer.setCookie);
      return c.json(answer.body);
    });
    fetch = app.fetch;
  } else if (page) {
    const { guestUsers } = page;
    const { guestUserHono } = await fromSrc<Adapters["hono"]>("adapters/hono/index");
    const guestUser = guestUserHono(guestUsers);
    const app = new Hono<import("../../src/adapters/hono/index.ts").GuestUserEnv>();
    app.use(guestUser.session());
    app.get("/page", guestUser.allowGuestUser(), (c) => c.json(userJson(c.var.user)));
    fetch = app.fetch;
  } else {
    const app = new Hono();
    app.get("/page", (c) => c.json(userJson(null)));
    fetch = app.fetch;
  }
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: HOST }, (info) => {
      const node = server as Server;
      resolve({ port: info.port, close: () => closeNode(node) });
    });
  });
}

async function fastifyApp(page: Page): Promise<RunningApp> {
  const { default: Fastify } = await import("fastify");
  const app = Fastify({ logger: false });
  if (page && "floor" in page) {
    const { floor } = page;
    app.get("/page", async (request, reply) => {
      const answer = await floor(request.headers.cookie);
      if (answer.setCookie) reply.header("set-cookie", answer.setCookie);
      return answer.body;
    });
  } else if (page) {
    const { guestUsers } = page;
    const { guestUserFastify } = await fromSrc<Adapters["fastify"]>("adapters/fastify/index");
    const guestUser = guestUserFastify(guestUsers);
    await app.register(guestUser.session());
    app.get("/page", { preHandler: guestUser.allowGuestUser() }, async (request) =>
      userJson(request.user),
    );
  } else {
    app.get("/page", async () => userJson(null));
  }
  await app.listen({ port: 0, host: HOST });
  return { port: portOf(app.server), close: () => app.close() };
}

const FRAMEWORK_APPS = { express: expressApp, hono: honoApp, fastify: fastifyApp } as const;

async function guestUserApp(
  config: Extract<ServerConfig, { kind: "guest-user" }>,
): Promise<RunningApp> {
  const { framework, database } = config;
  const { createGuestUsers } = await fromSrc<typeof import("../../src/index.ts")>("index");
  const cache = config.sessionCache ? await sessionCacheFor(database) : null;
  const guestUsers = createGuestUsers({
    database: database.url,
    secret: BENCH_SECRET,
    logger: { warn() {}, error() {} },
    createGuests: config.createGuests ?? "onVisit",
    sessionCache: cache?.options ?? null,
  });
  await guestUsers.migrate(); // already done by the bench: a no-op, and it opens the pool
  const app = await FRAMEWORK_APPS[framework]({ guestUsers });
  return {
    port: app.port,
    async close() {
      await app.close();
      await guestUsers.close();
      await cache?.close();
    },
  };
}

/**
 * The `sessionCache` of the cached servers as a multi-server app sets it up: PostgreSQL,
 * revocations over LISTEN/NOTIFY ("auto"); MariaDB, over Redis (a channel of this run's own);
 * SQLite, one process (`"local"`).
 */
async function sessionCacheFor(database: DatabaseTarget) {
  const none = async () => {};
  if (database.kind === "sqlite")
    return { options: { invalidation: "local" as const }, close: none };
  if (database.kind === "postgres")
    return { options: { invalidation: "auto" as const }, close: none };
  const { Redis } = await import("ioredis");
  const redis = new Redis(process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379");
  const channel = `gu_bench:${new URL(database.url).pathname.slice(1)}`;
  return {
    options: { invalidation: "redis" as const, redis, channel },
    close: async () => void (await redis.quit()),
  };
}

/** A floor server: the hot statements captured from guest-user, run on the bare driver. */
async function floorApp(config: Extract<ServerConfig, { kind: "floor" }>): Promise<RunningApp> {
  const hot = await captureHotStatements(config.database);
  const driver = await openFloorDriver(config.database, hot);
  const floor = config.floor === "lookup" ? lookupPage(driver) : insertPage(driver);
  const app = await FRAMEWORK_APPS[config.framework]({ floor });
  return {
    port: app.port,
    async close() {
      await app.close();
      await driver.close();
    },
  };
}

/** Starts the configured server on 127.0.0.1 and a free port. */
export function startApp(config: ServerConfig): Promise<RunningApp> {
  if (config.kind === "better-auth") return betterAuthApp(config.database, BENCH_SECRET);
  if (config.kind === "bare") return FRAMEWORK_APPS[config.framework](null);
  if (config.kind === "floor") return floorApp(config);
  return guestUserApp(config);
}
