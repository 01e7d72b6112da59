/**
 * The same small app on Express, Hono and Fastify for the quota tests: the session
 * middleware, the account views, and `POST /quota/ai/` behind the adapter's `quota("ai")`
 * guard, answering `{ quota }` (what the guard left in the state).
 */
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { guestUserExpress } from "../../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../../src/adapters/hono/index.ts";
import type { WebHandler } from "../../../src/http/handler.ts";
import { accountViews } from "../../../src/http/views/index.ts";
import type { GuestUsers } from "../../../src/index.ts";
import {
  listenExpress,
  listenFastify,
  listenHono,
  type TestServer,
} from "../../support/adapter-servers.ts";

export const QUOTA_PATH = "/quota/ai/";

/** What the guarded page answers: the quota the guard spent. */
const spent: WebHandler = async (_request, { state }) => Response.json({ quota: state.quota });

export const quotaApps: Record<
  "express" | "hono" | "fastify",
  (gu: GuestUsers) => Promise<TestServer>
> = {
  async express(gu) {
    const guestUser = guestUserExpress(gu);
    const app = express();
    app.use(guestUser.session());
    app.use(guestUser.router(accountViews(guestUser.http)));
    app.post(QUOTA_PATH, express.json(), guestUser.quota("ai"), guestUser.mount(spent));
    return listenExpress(app);
  },
  async hono(gu) {
    const guestUser = guestUserHono(gu);
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.session());
    app.use(guestUser.routes(accountViews(guestUser.http)));
    app.post(QUOTA_PATH, guestUser.quota("ai"), guestUser.mount(spent));
    return listenHono(app);
  },
  async fastify(gu) {
    const guestUser = guestUserFastify(gu);
    const app = Fastify();
    await app.register(guestUser.session());
    await app.register(guestUser.routes(accountViews(guestUser.http)));
    app.post(QUOTA_PATH, { preHandler: guestUser.quota("ai"), handler: guestUser.mount(spent) });
    return listenFastify(app);
  },
};
