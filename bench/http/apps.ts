/**
 * The servers under test, each built as an app would: guest-user on Express 5 / Hono 4 /
 * Fastify 5 (documented set-up: the session middleware plus `allowGuestUser()` on the page),
 * the same framework serving the same page without guest-user ("bare"), and Better Auth with
 * its anonymous plugin on a plain node:http server through `toNodeHandler`.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { GuestUsers, User } from "../../src/index.ts";
import type { Framework } from "./args.ts";
import type { DatabaseTarget } from "./databases.ts";

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
  | { readonly kind: "better-auth"; readonly database: DatabaseTarget };

export interface RunningApp {
  readonly port: number;
  close(): Promise<void>;
}

export const BENCH_SECRET = "bench-secret-bench-secret-bench-secret!";
const HOST = "127.0.0.1";

/** guest-user's src/: this repository's, or the copy named by BENCH_GUEST_USER_SRC (A/B runs). */
const SRC = process.env.BENCH_GUEST_USER_SRC
  ? pathToFileURL(`${resolve(process.env.BENCH_GUEST_USER_SRC)}/`).href
  : new URL("../../src/", import.meta.url).href;
const fromSrc = <T>(path: string): Promise<T> => import(new URL(path, SRC).href) as Promise<T>;
type Adapters = {
  express: typeof import("../../src/adapters/express/index.ts");
  hono: typeof import("../../src/adapters/hono/index.ts");
  fastify: typeof import("../../src/adapters/fastify/index.ts");
};

/** The page: `{"user": ...}` as the library's views answer (the bare servers answer null). */
const userJson = (user: User | null | undefined) => ({
  user: user ? { id: user.id, username: user.username, isGuest: user.isGuest } : null,
});

function listenNode(listener: RequestListener): Promise<Server> {
  const server = createServer(listener);
  return new Promise((resolve) => server.listen(0, HOST, () => resolve(server)));
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;
const closeNode = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

async function expressApp(guestUsers: GuestUsers | null): Promise<RunningApp> {
  const { default: express } = await import("express");
  const app = express();
  if (guestUsers) {
    const { guestUserExpress } = await fromSrc<Adapters["express"]>("adapters/express/index.ts");
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

async function honoApp(guestUsers: GuestUsers | null): Promise<RunningApp> {
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  let fetch: (request: Request) => Response | Promise<Response>;
  if (guestUsers) {
    const { guestUserHono } = await fromSrc<Adapters["hono"]>("adapters/hono/index.ts");
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

async function fastifyApp(guestUsers: GuestUsers | null): Promise<RunningApp> {
  const { default: Fastify } = await import("fastify");
  const app = Fastify({ logger: false });
  if (guestUsers) {
    const { guestUserFastify } = await fromSrc<Adapters["fastify"]>("adapters/fastify/index.ts");
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
  const { createGuestUsers } = await fromSrc<typeof import("../../src/index.ts")>("index.ts");
  const invalidation = database.kind === "sqlite" ? "local" : "auto";
  const guestUsers = createGuestUsers({
    database: database.url,
    secret: BENCH_SECRET,
    logger: { warn() {}, error() {} },
    createGuests: config.createGuests ?? "onVisit",
    sessionCache: config.sessionCache ? { invalidation } : null,
  });
  await guestUsers.migrate(); // already done by the bench: a no-op, and it opens the pool
  const app = await FRAMEWORK_APPS[framework](guestUsers);
  return {
    port: app.port,
    async close() {
      await app.close();
      await guestUsers.close();
    },
  };
}

/**
 * Better Auth 1.7 with `anonymous()` (and email/password, to seed a registered user), its
 * migrations run programmatically. SQLite gets the pragmas our dialect sets (WAL,
 * synchronous=NORMAL), so both libraries write to the same kind of database.
 */
async function betterAuthApp(database: DatabaseTarget): Promise<RunningApp> {
  const { betterAuth } = await import("better-auth");
  const { anonymous } = await import("better-auth/plugins");
  const { toNodeHandler } = await import("better-auth/node");
  const { getMigrations } = await import("better-auth/db/migration");
  let driver: import("pg").Pool | import("better-sqlite3").Database;
  let closeDriver: () => Promise<void>;
  if (database.kind === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const sqlite = new Database(database.location);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("busy_timeout = 5000");
    driver = sqlite;
    closeDriver = async () => void sqlite.close();
  } else {
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: database.location, max: 10 });
    driver = pool;
    closeDriver = () => pool.end();
  }
  let handler: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = await listenNode((req, res) => handler(req, res));
  const port = portOf(server);
  const options = {
    database: driver,
    secret: BENCH_SECRET,
    baseURL: `http://${HOST}:${port}`,
    emailAndPassword: { enabled: true },
    plugins: [anonymous()],
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(options);
  handler = toNodeHandler(auth);
  return {
    port,
    async close() {
      await closeNode(server);
      await closeDriver();
    },
  };
}

/** Starts the configured server on 127.0.0.1 and a free port. */
export function startApp(config: ServerConfig): Promise<RunningApp> {
  if (config.kind === "better-auth") return betterAuthApp(config.database);
  if (config.kind === "bare") return FRAMEWORK_APPS[config.framework](null);
  return guestUserApp(config);
}
