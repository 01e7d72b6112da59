/**
 * One small app per framework (Express 5, Hono on @hono/node-server, Fastify), the same routes
 * on each, for tests that check a behaviour on every adapter over real HTTP:
 *
 * - `/s/plain/`, `/s/allow/`, `/s/guest-only/`, `/s/regular/`: behind the session middleware
 *   (no guard on `plain`; the three guards on the others)
 * - `/n/plain/`, `/n/allow/`, `/n/guest-only/`, `/n/regular/`: the same WITHOUT the session
 *   middleware, so each guard resolves the visitor itself
 * - the built-in account views (`/accounts/login/`, ...) at the root, mounted with the
 *   adapter's router, without the session middleware
 * - `POST /echo/`: a mounted Web handler answering the body it read
 *
 * Errors reaching the app's own error handler are kept in `appErrors`.
 *
 * Each answers JSON `{ user }` (or the guard's redirect). One adapter instance (so one web
 * layer) per app.
 */
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { serve } from "@hono/node-server";
import express, { type ErrorRequestHandler, type Router } from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { Hono } from "hono";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../src/adapters/hono/index.ts";
import { userJson } from "../../src/http/request.ts";
import { accountViews } from "../../src/http/views/index.ts";
import type { GuestUsers } from "../../src/index.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";

export const FRAMEWORKS = ["express", "hono", "fastify"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** The session cookie's default name. */
export const SESSION = "guest_user_session";

export interface AppOptions {
  /** Trust the nearest proxy (Express `trust proxy` 1, Fastify `trustProxy`, Hono `trustProxy: 1`). */
  readonly trustProxy?: boolean;
}

export interface RunningApp {
  readonly framework: Framework;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Errors the app's own error handler received (Express next(err), Hono onError, Fastify's). */
  readonly appErrors: unknown[];
  close(): Promise<void>;
}

/** A mounted Web handler: answers the body it read. */
const echo = async (request: Request) => new Response(await request.text());

const GUARDED = ["allow", "guest-only", "regular"] as const;

async function startExpress(gu: GuestUsers, options: AppOptions): Promise<RunningApp> {
  const guestUser = guestUserExpress(gu);
  const app = express();
  if (options.trustProxy) app.set("trust proxy", 1);
  const routes = (router: Router) => {
    router.get("/plain/", (req, res) => {
      res.json(userJson(req.guestUser?.user ?? null));
    });
    router.get("/allow/", guestUser.allowGuestUser(), (req, res) => {
      res.json(userJson(req.guestUser?.user ?? null));
    });
    router.get("/guest-only/", guestUser.guestUserRequired(), (req, res) => {
      res.json(userJson(req.guestUser?.user ?? null));
    });
    router.get("/regular/", guestUser.regularUserRequired(), (req, res) => {
      res.json(userJson(req.guestUser?.user ?? null));
    });
    return router;
  };
  app.use("/s", guestUser.session(), routes(express.Router()));
  app.use("/n", routes(express.Router()));
  app.use(guestUser.router(accountViews(guestUser.http)));
  app.post("/echo/", guestUser.mount(echo));
  const appErrors: unknown[] = [];
  app.use(((error, _req, res, _next) => {
    appErrors.push(error);
    res.status(500).send("app error handler");
  }) satisfies ErrorRequestHandler);
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const started = app.listen(0, "127.0.0.1", () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    framework: "express",
    url: `http://127.0.0.1:${port}`,
    port,
    appErrors,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startHono(gu: GuestUsers, options: AppOptions): Promise<RunningApp> {
  const guestUser = guestUserHono(gu, options.trustProxy ? { trustProxy: 1 } : {});
  const app = new Hono<GuestUserEnv>();
  app.use("/s/*", guestUser.session());
  for (const prefix of ["/s", "/n"]) {
    app.get(`${prefix}/plain/`, (c) => c.json(userJson(c.var.user ?? null)));
    app.get(`${prefix}/allow/`, guestUser.allowGuestUser(), (c) => c.json(userJson(c.var.user)));
    app.get(`${prefix}/guest-only/`, guestUser.guestUserRequired(), (c) =>
      c.json(userJson(c.var.user)),
    );
    app.get(`${prefix}/regular/`, guestUser.regularUserRequired(), (c) =>
      c.json(userJson(c.var.user)),
    );
  }
  app.use(guestUser.routes(accountViews(guestUser.http)));
  app.post("/echo/", guestUser.mount(echo));
  const appErrors: unknown[] = [];
  app.onError((error, c) => {
    appErrors.push(error);
    return c.text("app error handler", 500);
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve({
        framework: "hono",
        url: `http://127.0.0.1:${info.port}`,
        port: info.port,
        appErrors,
        close: () =>
          new Promise<void>((done) => {
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      }),
    );
  });
}

async function startFastify(gu: GuestUsers, options: AppOptions): Promise<RunningApp> {
  const guestUser = guestUserFastify(gu);
  const app: FastifyInstance = Fastify(options.trustProxy ? { trustProxy: true } : {});
  const routes = async (child: FastifyInstance) => {
    const json = async (request: { user?: Parameters<typeof userJson>[0] }) =>
      userJson(request.user ?? null);
    child.get("/plain/", json);
    child.get("/allow/", { preHandler: guestUser.allowGuestUser() }, json);
    child.get("/guest-only/", { preHandler: guestUser.guestUserRequired() }, json);
    child.get("/regular/", { preHandler: guestUser.regularUserRequired() }, json);
  };
  await app.register(
    async (child) => {
      await child.register(guestUser.session());
      await routes(child);
    },
    { prefix: "/s" },
  );
  await app.register(routes, { prefix: "/n" });
  await app.register(guestUser.routes(accountViews(guestUser.http)));
  app.post("/echo/", guestUser.mount(echo));
  const appErrors: unknown[] = [];
  app.setErrorHandler((error, _request, reply) => {
    appErrors.push(error);
    return reply.code(500).send("app error handler");
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return {
    framework: "fastify",
    url: `http://127.0.0.1:${port}`,
    port,
    appErrors,
    close: () => app.close(),
  };
}

/** Starts the test app of `framework` on a free port of 127.0.0.1. */
export function startApp(
  framework: Framework,
  gu: GuestUsers,
  options: AppOptions = {},
): Promise<RunningApp> {
  if (framework === "express") return startExpress(gu, options);
  if (framework === "hono") return startHono(gu, options);
  return startFastify(gu, options);
}

/** The paths of the guards, with and without the session middleware. */
export const GUARD_PATHS = GUARDED.flatMap((name) => [`/s/${name}/`, `/n/${name}/`]);

/** What {@link rawRequest} read back. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly setCookies: string[];
  readonly body: string;
}

/**
 * A request through node:http, which (unlike fetch) lets a test set `Host`. A browser's
 * User-Agent unless `headers` names one.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { "user-agent": BROWSER_USER_AGENT, ...options.headers };
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          setCookies: res.headers["set-cookie"] ?? [],
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * Writes `head` (request line and headers, CRLF-separated, without the final blank line) to
 * the port as raw bytes and reads the whole answer (the request says `Connection: close`).
 */
export function rawHttp(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`${head}\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error("no answer within 10 s"));
    });
  });
}

/** The session cookie line among Set-Cookie values, if any. */
export function sessionCookieOf(setCookies: readonly string[]): string | undefined {
  return setCookies.find((line) => line.startsWith(`${SESSION}=`));
}

/** A logger that keeps its lines. */
export function collectingLogger() {
  const errors: string[] = [];
  const warnings: string[] = [];
  const text = (args: unknown[]) =>
    args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(" ");
  return {
    errors,
    warnings,
    logger: {
      error: (...args: unknown[]) => {
        errors.push(text(args));
      },
      warn: (...args: unknown[]) => {
        warnings.push(text(args));
      },
    },
  };
}
