import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { guestUserExpress } from "../../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../../src/adapters/hono/index.ts";
import { accountViews } from "../../../src/http/views/index.ts";
import type { GuestUsers } from "../../../src/index.ts";
import { type CookieJar, cookieHeader, storeSetCookies } from "../../support/cookies.ts";

/** A server with the account views, trusting X-Forwarded-For from 127.0.0.1 (the tests). */
export interface ThrottleServer {
  readonly url: string;
  close(): Promise<void>;
}

export type StartServer = (gu: GuestUsers) => Promise<ThrottleServer>;

export const SERVERS: Record<"express" | "hono" | "fastify", StartServer> = {
  async express(gu) {
    const guestUser = guestUserExpress(gu);
    const app = express();
    app.set("trust proxy", "loopback");
    app.use(guestUser.session());
    app.use(guestUser.router(accountViews(guestUser.http)));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    };
  },
  async hono(gu) {
    const guestUser = guestUserHono(gu, { trustProxy: "loopback" });
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.session());
    app.use(guestUser.routes(accountViews(guestUser.http)));
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () =>
            new Promise((done) => {
              if ("closeAllConnections" in server) server.closeAllConnections();
              server.close(() => done());
            }),
        }),
      );
    });
  },
  async fastify(gu) {
    const guestUser = guestUserFastify(gu);
    const app = Fastify({ trustProxy: "127.0.0.1" });
    await app.register(guestUser.session());
    await app.register(guestUser.routes(accountViews(guestUser.http)));
    await app.listen({ port: 0, host: "127.0.0.1" });
    return {
      url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
      close: () => app.close(),
    };
  },
};

/** A browser at one client address (sent as X-Forwarded-For), with its own cookies. */
export function visitor(baseUrl: string, address: string) {
  const jar: CookieJar = new Map();
  let csrf: string | null = null;
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", address);
    if (jar.size > 0) headers.set("cookie", cookieHeader(jar));
    const response = await fetch(new URL(path, baseUrl), { ...init, headers, redirect: "manual" });
    storeSetCookies(jar, response);
    return response;
  };
  return {
    jar,
    send,
    /** POSTs the HTML login form (after GETting it once for its CSRF token). */
    async login(username: string, password: string): Promise<Response> {
      if (!csrf) {
        const page = await (await send("/accounts/login/")).text();
        csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? null;
      }
      const response = await send("/accounts/login/", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username, password, csrf_token: csrf ?? "" }),
      });
      if (response.status === 302) csrf = null; // a new session: a new CSRF token
      return response;
    },
    /** POSTs JSON as an API client asking for a bearer token (no cookie, no CSRF). */
    bearer(path: string, json: unknown, token?: string): Promise<Response> {
      return send(path, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "x-session-transport": "bearer",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(json),
      });
    },
  };
}
