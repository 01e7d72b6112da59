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
 * - `POST /s/allow/`, `POST /n/allow/`: behind allowGuestUser (Express parses JSON and forms
 *   first, as apps do), a mounted page that reads the body with `readBody` and answers `{ user }`
 * - `POST /boom/`: the same, but the page throws after reading the body (an unexpected failure)
 *
 * Errors reaching the app's own error handler are kept in `appErrors`.
 *
 * Each answers JSON `{ user }` (or the guard's redirect). One adapter instance (so one web
 * layer) per app.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express5, { type ErrorRequestHandler, type Router } from "express";
import express4 from "express4";
import Fastify, { type FastifyInstance } from "fastify";
import { Hono } from "hono";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { addFormBodyParser } from "../../src/adapters/fastify/web.ts";
import { type GuestUserEnv, guestUserHono } from "../../src/adapters/hono/index.ts";
import type { WebHandler } from "../../src/http/handler.ts";
import { userJson } from "../../src/http/request.ts";
import { accountViews, readBody } from "../../src/http/views/index.ts";
import type { GuestUsers } from "../../src/index.ts";

export const FRAMEWORKS = ["express", "hono", "fastify"] as const;
/** The frameworks, Express 4 (`"express4"`) beside Express 5 (`"express"`). */
export const EVERY_FRAMEWORK = ["express4", ...FRAMEWORKS] as const;
export type Framework = (typeof EVERY_FRAMEWORK)[number];

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

/** A mounted POST page: reads the body as the account views do, answers `{ user }`. */
const postPage: WebHandler = async (request, { state }) => {
  await readBody(request);
  return Response.json(userJson(state.user));
};

/** A mounted page failing after it read the body: an unexpected error. */
const boom: WebHandler = async (request) => {
  await request.text();
  throw new Error("boom after the body");
};

const GUARDED = ["allow", "guest-only", "regular"] as const;

async function startExpress(
  gu: GuestUsers,
  options: AppOptions,
  framework: "express" | "express4",
): Promise<RunningApp> {
  const guestUser = guestUserExpress(gu);
  const express = framework === "express4" ? express4 : express5;
  const app = express();
  const parsers = [express.json(), express.urlencoded({ extended: false })];
  if (options.trustProxy) app.set("trust proxy", 1);
  const routes = (router: Router) => {
    router.get("/plain/", (req, res) => {
      res.json(userJson(req.guestUser?.user ?? null));
    });
    router.get("/allow/", guestUser.allowGuestUser(), (req, res) => {
      res.json(userJson(req.guestUser?.user ?? null));
    });
    router.post("/allow/", ...parsers, guestUser.allowGuestUser(), guestUser.mount(postPage));
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
  app.post("/boom/", ...parsers, guestUser.allowGuestUser(), guestUser.mount(boom));
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
    framework,
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
    app.post(`${prefix}/allow/`, guestUser.allowGuestUser(), guestUser.mount(postPage));
    app.get(`${prefix}/guest-only/`, guestUser.guestUserRequired(), (c) =>
      c.json(userJson(c.var.user)),
    );
    app.get(`${prefix}/regular/`, guestUser.regularUserRequired(), (c) =>
      c.json(userJson(c.var.user)),
    );
  }
  app.use(guestUser.routes(accountViews(guestUser.http)));
  app.post("/echo/", guestUser.mount(echo));
  app.post("/boom/", guestUser.allowGuestUser(), guestUser.mount(boom));
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
  addFormBodyParser(app); // forms on every route, also those without the session plugin
  const routes = async (child: FastifyInstance) => {
    const json = async (request: { user?: Parameters<typeof userJson>[0] }) =>
      userJson(request.user ?? null);
    child.get("/plain/", json);
    child.get("/allow/", { preHandler: guestUser.allowGuestUser() }, json);
    child.post("/allow/", { preHandler: guestUser.allowGuestUser() }, guestUser.mount(postPage));
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
  app.post("/boom/", { preHandler: guestUser.allowGuestUser() }, guestUser.mount(boom));
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
  if (framework === "express" || framework === "express4")
    return startExpress(gu, options, framework);
  if (framework === "hono") return startHono(gu, options);
  return startFastify(gu, options);
}

/** The paths of the guards, with and without the session middleware. */
export const GUARD_PATHS = GUARDED.flatMap((name) => [`/s/${name}/`, `/n/${name}/`]);

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
