import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { Hono } from "hono";
import { onTestFinished } from "vitest";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../src/adapters/hono/index.ts";
import type { RequestState } from "../../src/http/request.ts";
import {
  AllowGuestUserMixin,
  accountViews,
  type GuestUsers,
  type GuestUsersOptions,
  type HandlerContext,
  View,
} from "../../src/index.ts";
import type { DatabaseFixture } from "./guest-users.ts";

/** A started test server. */
export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves an Express app on a free port of 127.0.0.1. */
export async function listenExpress(app: ReturnType<typeof express>): Promise<TestServer> {
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** The server's URL; the server closes when the current test finishes. */
export function closedAfterTest(server: TestServer): string {
  onTestFinished(() => server.close());
  return server.url;
}

/** Serves a Hono app (on @hono/node-server) on a free port of 127.0.0.1. */
export function listenHono(app: Pick<Parameters<typeof serve>[0], "fetch">): Promise<TestServer> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

/** Serves a Fastify app on a free port of 127.0.0.1. */
export async function listenFastify(app: FastifyInstance): Promise<TestServer> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  };
}

/** A table prefix of its own: `${label}_` and a random suffix. */
export const uniquePrefix = (label: string) =>
  `${label}_${Math.random().toString(36).slice(2, 8)}_`;

/**
 * A server per test: `withServer(body, options?)` opens a GuestUsers of `fx` with `defaults()`
 * overridden by `options`, serves it with `start`, runs `body(server, gu, opened)` (`opened`:
 * the options it opened with), then closes the server and the GuestUsers: one pool per test,
 * as MariaDB's max_connections is finite.
 */
export function serverPerTest(
  fx: DatabaseFixture,
  start: (gu: GuestUsers) => Promise<TestServer>,
  defaults: () => GuestUsersOptions,
) {
  return async (
    body: (server: TestServer, gu: GuestUsers, opened: GuestUsersOptions) => Promise<void>,
    options: GuestUsersOptions = {},
  ): Promise<void> => {
    const opened = { ...defaults(), ...options };
    const gu = await fx.open(opened);
    const server = await start(gu);
    try {
      await body(server, gu, opened);
    } finally {
      await server.close();
      await gu.close();
    }
  };
}

/** What the test pages answer: who is asking, and whether a guest is pending. */
export function stateJson(state: RequestState | undefined) {
  const user = state?.user ?? null;
  return {
    user: user && { id: user.id, username: user.username, isGuest: user.isGuest },
    guestPending: state?.guestPending ?? false,
  };
}

/** A class-based view behind the AllowGuestUserMixin, mounted by every adapter at `/mixin/`. */
class MixinPage extends AllowGuestUserMixin(View) {
  override get = async (_request: Request, { state }: HandlerContext) =>
    Response.json(stateJson(state));
  override post = this.get;
}

/** Options of the test apps. */
export interface AppOptions {
  /** Express `trust proxy`, Fastify `trustProxy`, Hono `trustProxy`. */
  readonly trustProxy?: number;
}

/**
 * The same small app on Express, Hono and Fastify: the session middleware, the account views,
 * `ALL /page/` behind allowGuestUser(), `/mixin/` (a mounted AllowGuestUserMixin view),
 * `GET /start/` calling ensureGuest().
 */
export const adapterServers: Record<
  "express" | "hono" | "fastify",
  (gu: GuestUsers, options?: AppOptions) => Promise<TestServer>
> = {
  async express(gu, options = {}) {
    const guestUser = guestUserExpress(gu);
    const app = express();
    if (options.trustProxy !== undefined) app.set("trust proxy", options.trustProxy);
    app.use(guestUser.session());
    app.use(guestUser.router(accountViews(guestUser.http)));
    app.all(
      "/page/",
      express.urlencoded({ extended: false }),
      guestUser.allowGuestUser(),
      (req, res) => {
        res.json(stateJson(req.guestUser));
      },
    );
    app.all("/mixin/", guestUser.mount(MixinPage.asView()));
    app.get("/start/", async (req, res) => {
      await guestUser.ensureGuest(req, res);
      res.json(stateJson(req.guestUser));
    });
    return listenExpress(app);
  },
  async hono(gu, options = {}) {
    const guestUser = guestUserHono(gu, { trustProxy: options.trustProxy });
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.session());
    app.use(guestUser.routes(accountViews(guestUser.http)));
    app.all("/page/", guestUser.allowGuestUser(), (c) => c.json(stateJson(c.var.guestUser)));
    app.on(["GET", "POST"], "/mixin/", guestUser.mount(MixinPage.asView()));
    app.get("/start/", async (c) => {
      await guestUser.ensureGuest(c);
      return c.json(stateJson(c.var.guestUser));
    });
    return listenHono(app);
  },
  async fastify(gu, options = {}) {
    const guestUser = guestUserFastify(gu);
    // Fastify's trustProxy: true trusts every hop (its typings take no hop count).
    const app = Fastify({ trustProxy: options.trustProxy !== undefined });
    await app.register(guestUser.session());
    await app.register(guestUser.routes(accountViews(guestUser.http)));
    app.route({
      method: ["GET", "POST", "PUT", "DELETE"],
      url: "/page/",
      preHandler: guestUser.allowGuestUser(),
      handler: async (request) => stateJson(request.guestUser ?? undefined),
    });
    app.route({
      method: ["GET", "POST"],
      url: "/mixin/",
      handler: guestUser.mount(MixinPage.asView()),
    });
    app.get("/start/", async (request, reply) => {
      await guestUser.ensureGuest(request, reply);
      return stateJson(request.guestUser ?? undefined);
    });
    return listenFastify(app);
  },
};
