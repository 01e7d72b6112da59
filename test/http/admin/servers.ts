/**
 * The admin mounted on each framework (Express 5, Hono on @hono/node-server, Fastify) beside
 * the account views, plus a small browser for the tests: a cookie jar, the CSRF token from a
 * page, and sign-in as a user through a session of ours.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { guestUserExpress } from "../../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../../src/adapters/hono/index.ts";
import { type AdminViewsOptions, adminViews } from "../../../src/admin.ts";
import { accountViews, type GuestUsers, type User, type WebRoute } from "../../../src/index.ts";
import { cookieClient } from "../../support/cookies.ts";

export const FRAMEWORKS = ["express", "hono", "fastify"] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const SECRET = "a".repeat(40);
export const SESSION = "guest_user_session";
export const PASSWORD = "Zebra-Quantum-77!";

/** A started app. */
export interface AdminApp {
  readonly url: string;
  close(): Promise<void>;
}

/** The routes every app mounts: the account views, then the admin. */
function routes(http: Parameters<typeof adminViews>[0], options: AdminViewsOptions) {
  return [...accountViews(http), ...adminViews(http, options)] as readonly WebRoute[];
}

/** Starts the admin on `framework`, on a free port of 127.0.0.1. */
export async function startAdminApp(
  framework: Framework,
  gu: GuestUsers,
  options: AdminViewsOptions,
): Promise<AdminApp> {
  if (framework === "express") {
    const guestUser = guestUserExpress(gu);
    const app = express();
    app.use(guestUser.router(routes(guestUser.http, options)));
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const started = app.listen(0, "127.0.0.1", () => resolve(started));
    });
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    };
  }
  if (framework === "hono") {
    const guestUser = guestUserHono(gu);
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.routes(routes(guestUser.http, options)));
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              (server as { closeAllConnections?: () => void }).closeAllConnections?.();
              server.close(() => done());
            }),
        }),
      );
    });
  }
  const guestUser = guestUserFastify(gu);
  const app = Fastify();
  await app.register(guestUser.routes(routes(guestUser.http, options)));
  await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    close: () => app.close(),
  };
}

/** A browser on one app: cookies kept, redirects not followed. */
export function client(base: string) {
  const { jar, send } = cookieClient(base);
  const self = {
    jar,
    send,
    get: (path: string, headers: Record<string, string> = {}) => send(path, { headers }),
    getJson: (path: string) => send(path, { headers: { accept: "application/json" } }),
    /** POSTs a form (repeated fields as arrays). */
    postForm(path: string, fields: Record<string, string | readonly string[]>, headers = {}) {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(fields))
        for (const item of typeof value === "string" ? [value] : value) body.append(name, item);
      return send(path, {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      });
    },
    /** POSTs JSON as a same-origin page would (its Origin header). */
    postJson(path: string, json: unknown, headers: Record<string, string> = {}) {
      return send(path, {
        method: "POST",
        body: JSON.stringify(json),
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          origin: base,
          ...headers,
        },
      });
    },
    /** The csrf_token of the first form on an HTML page. */
    async csrf(path: string): Promise<string> {
      return csrfOf(await (await self.get(path)).text());
    },
    /** Signs in as `user` with a new session of ours. */
    async signIn(gu: GuestUsers, user: User) {
      jar.set(SESSION, (await gu.createSession(user.id)).token);
    },
  };
  return self;
}

/** The value of a page's first hidden csrf_token input. */
export function csrfOf(html: string): string {
  const match = /name="csrf_token" value="([^"]*)"/.exec(html);
  if (!match?.[1]) throw new Error(`no csrf_token in ${html.slice(0, 300)}`);
  return match[1];
}

/** A registered user. */
export const registered = (gu: GuestUsers, username: string) =>
  gu.createUser({ username, password1: PASSWORD, password2: PASSWORD });

/** Who may use the admin in these tests. */
export const ADMINS = new Set(["root_admin"]);
export const canAccess = (user: User) => ADMINS.has(user.username);
