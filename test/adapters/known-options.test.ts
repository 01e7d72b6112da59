/**
 * The entry points, given every option they know at once, raise no false alarm and serve
 * real requests on real servers (the other side of unknown-options.test.ts).
 */
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../src/adapters/hono/index.ts";
import { guestUserNext } from "../../src/adapters/next/index.ts";
import { guestUserNuxt } from "../../src/adapters/nuxt/index.ts";
import { adminViews } from "../../src/admin.ts";
import { fetchHandler } from "../../src/http/fetch-handler.ts";
import * as guards from "../../src/http/guards.ts";
import { githubProvider, oauthViews, oidcProvider } from "../../src/http/oauth/index.ts";
import { accountViews } from "../../src/http/views/index.ts";
import { listenExpress, listenFastify, listenHono } from "../support/adapter-servers.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { CLIENT, migratedApp, nextApi, nextResponses, ok } from "./options-support.ts";

const fx = migratedApp();

describe("every known option, given at once, still serves", () => {
  const get = async (url: string) => {
    const response = await fetch(url, { headers: { "user-agent": BROWSER_USER_AGENT } });
    return { status: response.status, cookie: response.headers.get("set-cookie") ?? "" };
  };

  it("Express", async () => {
    const guestUser = guestUserExpress(fx.guestUsers(), { login: "cookie", http: fx.http() });
    const app = express();
    app.use(guestUser.session());
    app.use(
      guestUser.router(accountViews(guestUser.http, { signupPath: "/join/", maxBodyBytes: 4096 })),
    );
    app.get("/", guestUser.allowGuestUser(), (_req, res) => res.send("ok"));
    app.get(
      "/guests/",
      guestUser.guestUserRequired({ anonymousUrl: "/a/", registeredUrl: "/r/" }),
      (_q, s) => s.send("ok"),
    );
    const server = await listenExpress(app);
    try {
      expect(await get(`${server.url}/`)).toMatchObject({
        status: 200,
        cookie: expect.stringContaining("guest_user_session="),
      });
      expect((await get(`${server.url}/join/`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("Hono", async () => {
    const guestUser = guestUserHono(fx.guestUsers(), {
      http: fx.http(),
      clientAddress: () => "203.0.113.9",
      trustProxy: false,
    });
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.session());
    app.get("/", guestUser.allowGuestUser(), (c) => c.text("ok"));
    app.get(
      "/in/",
      guestUser.regularUserRequired({ loginUrl: "/l/", convertUrl: "/c/", redirectFieldName: "n" }),
      (c) => c.text("ok"),
    );
    const server = await listenHono(app);
    try {
      expect(await get(`${server.url}/`)).toMatchObject({
        status: 200,
        cookie: expect.stringContaining("guest_user_session="),
      });
    } finally {
      await server.close();
    }
  });

  it("Fastify", async () => {
    const guestUser = guestUserFastify(fx.guestUsers(), { http: fx.http(), formBody: true });
    const app = Fastify();
    await app.register(guestUser.session());
    app.get("/", { preHandler: guestUser.allowGuestUser() }, async () => "ok");
    app.get(
      "/t/",
      { preHandler: guestUser.termsRequired({ acceptUrl: "/accept/", redirectFieldName: "n" }) },
      async () => "ok",
    );
    const server = await listenFastify(app);
    try {
      expect(await get(`${server.url}/`)).toMatchObject({
        status: 200,
        cookie: expect.stringContaining("guest_user_session="),
      });
      expect((await get(`${server.url}/t/`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("Next, fetchHandler, the admin and social login", async () => {
    const guestUser = guestUserNext(fx.guestUsers(), {
      ...nextApi,
      http: fx.http(),
      clientAddress: () => null,
    });
    expect(typeof guestUser.proxy(nextResponses, { allowGuestUser: false })).toBe("function");
    const nuxt = guestUserNuxt(fx.guestUsers(), {
      http: fx.http(),
      routes: false,
      sessionPath: "/api/me",
      clientAddress: () => null,
      trustProxy: "loopback",
    });
    expect(typeof nuxt.middleware).toBe("function");
    const handler = fetchHandler(fx.http(), [guards.allowGuestUser()], ok, {
      clientAddress: () => "203.0.113.9",
      trustProxy: false,
    });
    const response = await handler(
      new Request("http://localhost/", { headers: { "user-agent": BROWSER_USER_AGENT } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toContain("guest_user_session=");
    expect(
      adminViews(fx.http(), {
        canAccess: () => true,
        prefix: "/staff/",
        pageSize: 20,
        logoutPath: "/out/",
        templates: { guestList: () => "" },
      }).length,
    ).toBeGreaterThan(0);
    const providers = [
      githubProvider({
        ...CLIENT,
        name: "gh",
        label: "GH",
        scopes: ["read:user"],
        redirectUri: "http://localhost/cb/",
      }),
      oidcProvider({
        ...CLIENT,
        name: "o",
        label: "O",
        issuer: "http://localhost/",
        scopes: ["openid"],
        redirectUri: "http://localhost/cb2/",
        allowInsecureRequests: true,
      }),
    ];
    expect(
      oauthViews(fx.http(), {
        providers,
        prefix: "/o/",
        origin: "http://localhost",
        templates: {},
      }).length,
    ).toBe(4);
  });
});
