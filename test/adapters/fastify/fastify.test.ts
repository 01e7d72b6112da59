import type { AddressInfo } from "node:net";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import { expect, it } from "vitest";
import { guestUserFastify } from "../../../src/adapters/fastify/index.ts";
import { userJson } from "../../../src/http/request.ts";
import type { GuestUsers } from "../../../src/index.ts";
import {
  Client,
  describeAdapter,
  type RunningServer,
  testRoutes,
  webRoutes,
} from "../hono/http-suite.ts";

async function listen(app: FastifyInstance): Promise<RunningServer> {
  await app.listen({ port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://localhost:${port}`, close: () => app.close() };
}

/** The reference app's routes on Fastify. */
async function start(guestUsers: GuestUsers): Promise<RunningServer> {
  const guestUser = guestUserFastify(guestUsers);
  const app = Fastify();
  await app.register(guestUser.session());
  await app.register(guestUser.routes(testRoutes(guestUser.http)));
  const json = async (request: { user: Parameters<typeof userJson>[0] }) => userJson(request.user);
  app.get("/allow_guest_user/", { preHandler: guestUser.allowGuestUser() }, json);
  app.get("/guest_user_required/", { preHandler: guestUser.guestUserRequired() }, json);
  app.get("/regular_user_required/", { preHandler: guestUser.regularUserRequired() }, json);
  app.get(
    "/custom_guest/",
    {
      preHandler: guestUser.guestUserRequired({ anonymousUrl: "/anon/", registeredUrl: "/home/" }),
    },
    json,
  );
  app.get(
    "/custom_regular/",
    {
      preHandler: guestUser.regularUserRequired({
        loginUrl: "/signin/",
        convertUrl: "/upgrade/?from=x",
        redirectFieldName: "back",
      }),
    },
    json,
  );
  app.get("/whoami/", json);
  app.get("/maybe/", async (request, reply) => {
    const created = await guestUser.maybeCreateGuestUser(request, reply);
    return {
      ...userJson(request.user),
      created: created !== null,
      isGuest: guestUser.isGuestUser(request),
    };
  });
  return listen(app);
}

describeAdapter("fastify adapter", start, (_server, guestUsers) => {
  it("guards, mount and maybeCreateGuestUser work without the plugin", async () => {
    const guestUser = guestUserFastify(guestUsers());
    const app = Fastify();
    app.get("/allow/", { preHandler: guestUser.allowGuestUser() }, async (request) =>
      userJson(request.user),
    );
    app.get("/regular/", { preHandler: [guestUser.regularUserRequired()] }, async () => "no");
    app.get("/maybe/", async (request, reply) => {
      await guestUser.maybeCreateGuestUser(request, reply);
      return userJson(request.user);
    });
    app.get(
      "/web/",
      guestUser.mount(async (_request, { state }) => Response.json(userJson(state.user))),
    );
    const running = await listen(app);
    try {
      const client = new Client(running.url);
      const { user } = await client.json("/allow/");
      expect(user?.isGuest).toBe(true);
      expect((await client.json("/web/")).user).toEqual(user);
      expect((await client.fetch("/regular/")).headers.get("location")).toBe(
        "/convert/?next=/regular/",
      );
      const other = new Client(running.url);
      const made = await other.json("/maybe/");
      expect(made.user?.isGuest).toBe(true);
      expect((await other.json("/web/")).user).toEqual(made.user);
    } finally {
      await running.close();
    }
  });

  it("works beside @fastify/formbody registered first; other plugins' form routes keep their parsed body", async () => {
    const guestUser = guestUserFastify(guestUsers());
    const app = Fastify();
    await app.register(formbody);
    await app.register(guestUser.session());
    await app.register(guestUser.routes(webRoutes));
    app.post("/own/", async (request) => ({ body: request.body }));
    const running = await listen(app);
    try {
      const client = new Client(running.url);
      const form = { "content-type": "application/x-www-form-urlencoded" };
      const echoed = await client.fetch("/web/echo/", {
        method: "POST",
        headers: form,
        body: "a=1&a=2&b=3",
      });
      expect(await echoed.json()).toMatchObject({ fields: { a: ["1", "2"], b: ["3"] } });
      const own = await client.fetch("/own/", {
        method: "POST",
        headers: form,
        body: "x=1&x=2&y=z",
      });
      expect(await own.json()).toEqual({ body: { x: ["1", "2"], y: "z" } });
    } finally {
      await running.close();
    }
  });

  it("our own form parser gives the same shape; JSON bodies reach Web handlers re-encoded", async () => {
    const guestUser = guestUserFastify(guestUsers());
    const app = Fastify();
    await app.register(guestUser.session());
    app.post("/own/", async (request) => ({ body: request.body }));
    app.post(
      "/json/",
      guestUser.mount(async (request) => Response.json({ got: await request.json() })),
    );
    const running = await listen(app);
    try {
      const client = new Client(running.url);
      const own = await client.fetch("/own/", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "x=1&x=2&y=z&__proto__=p",
      });
      expect(await own.json()).toEqual({ body: { x: ["1", "2"], y: "z", ["__proto__"]: "p" } });
      const json = await client.fetch("/json/", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ a: [1, { b: "c" }] }),
      });
      expect(await json.json()).toEqual({ got: { a: [1, { b: "c" }] } });
    } finally {
      await running.close();
    }
  });

  it("registering the plugin twice is harmless; isGuestUser takes a user too", async () => {
    const guestUser = guestUserFastify(guestUsers());
    const app = Fastify();
    await app.register(guestUser.session());
    await app.register(guestUser.session());
    await app.ready();
    await app.close();
    const user = {
      id: 1,
      username: "u",
      email: null,
      isGuest: true,
      createdAt: null,
      lastLoginAt: null,
      isStaff: false,
      hasPassword: false,
    };
    expect(guestUser.isGuestUser(user)).toBe(true);
    expect(guestUser.isGuestUser(null)).toBe(false);
  });
});
