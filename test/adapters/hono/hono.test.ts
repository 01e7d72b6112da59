import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { expect, it } from "vitest";
import { type GuestUserEnv, guestUserHono } from "../../../src/adapters/hono/index.ts";
import { userJson } from "../../../src/http/request.ts";
import { GuestUserError, type GuestUsers } from "../../../src/index.ts";
import { Client, describeAdapter, type RunningServer, testRoutes } from "./http-suite.ts";

function listen(app: Hono<GuestUserEnv>): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch: app.fetch, port: 0 }, (info) => {
      resolve({
        url: `http://localhost:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            if ("closeAllConnections" in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The reference app's routes on Hono. */
function start(guestUsers: GuestUsers): Promise<RunningServer> {
  const guestUser = guestUserHono(guestUsers);
  const app = new Hono<GuestUserEnv>();
  app.use(guestUser.session());
  app.use(guestUser.routes(testRoutes(guestUser.http)));
  app.get("/allow_guest_user/", guestUser.allowGuestUser(), (c) => c.json(userJson(c.var.user)));
  app.get("/guest_user_required/", guestUser.guestUserRequired(), (c) =>
    c.json(userJson(c.var.user)),
  );
  app.get("/regular_user_required/", guestUser.regularUserRequired(), (c) =>
    c.json(userJson(c.var.user)),
  );
  app.get(
    "/custom_guest/",
    guestUser.guestUserRequired({ anonymousUrl: "/anon/", registeredUrl: "/home/" }),
    (c) => c.json(userJson(c.var.user)),
  );
  app.get(
    "/custom_regular/",
    guestUser.regularUserRequired({
      loginUrl: "/signin/",
      convertUrl: "/upgrade/?from=x",
      redirectFieldName: "back",
    }),
    (c) => c.json(userJson(c.var.user)),
  );
  app.get("/whoami/", (c) => c.json(userJson(c.var.user)));
  app.get("/maybe/", async (c) => {
    const created = await guestUser.maybeCreateGuestUser(c);
    return c.json({
      ...userJson(c.var.user),
      created: created !== null,
      isGuest: guestUser.isGuestUser(c),
    });
  });
  return listen(app);
}

describeAdapter("hono adapter", start, (_server, guestUsers) => {
  it("guards and mount work without session() (each resolves and sends its own cookies)", async () => {
    const guestUser = guestUserHono(guestUsers());
    const app = new Hono<GuestUserEnv>();
    app.get("/allow/", guestUser.allowGuestUser(), (c) => c.json(userJson(c.var.user)));
    app.get("/regular/", guestUser.regularUserRequired(), (c) => c.json(userJson(c.var.user)));
    app.get("/plain/", (c) => c.json(userJson(c.var.user ?? null)));
    app.get("/maybe/", async (c) => {
      const created = await guestUser.maybeCreateGuestUser(c);
      return c.json({ ...userJson(c.var.user), created: created?.id ?? null });
    });
    app.get(
      "/web/",
      guestUser.mount(async (_request, { state }) => Response.json(userJson(state.user))),
    );
    app.onError((error, c) => c.text(error instanceof GuestUserError ? error.code : "?", 500));
    const running = await listen(app);
    try {
      const client = new Client(running.url);
      const { user } = await client.json("/allow/");
      expect(user?.isGuest).toBe(true);
      expect((await client.json("/web/")).user).toEqual(user);
      expect((await client.fetch("/regular/")).headers.get("location")).toBe(
        "/convert/?next=/regular/",
      );
      expect((await client.json("/plain/")).user).toBeNull();
      // maybeCreateGuestUser resolves the visitor itself too: the returning guest stays...
      const again = await client.fetch("/maybe/");
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ user, created: null });
      expect(again.headers.getSetCookie()).toEqual([]);
      // ...and a new visitor gets a guest, with its cookie on the handler's response.
      const fresh = new Client(running.url);
      const first = await fresh.fetch("/maybe/");
      const made = (await first.json()) as {
        user: { id: unknown; isGuest: boolean };
        created: unknown;
      };
      expect(made.user.isGuest).toBe(true);
      expect(made.created).toBe(made.user.id);
      expect((await fresh.json("/web/")).user).toEqual(made.user);
    } finally {
      await running.close();
    }
  });

  it("a guard before a mounted Web handler: the new guest's cookie reaches the browser", async () => {
    const guestUser = guestUserHono(guestUsers());
    const app = new Hono<GuestUserEnv>();
    app.use(guestUser.session());
    app.get(
      "/guarded-web/",
      guestUser.allowGuestUser(),
      guestUser.mount(async (_request, { state }) => Response.json(userJson(state.user))),
    );
    const running = await listen(app);
    try {
      const client = new Client(running.url);
      const first = await client.json("/guarded-web/");
      expect(first.user?.isGuest).toBe(true);
      const again = await client.json("/guarded-web/");
      expect(again.user?.id).toBe(first.user?.id);
    } finally {
      await running.close();
    }
  });

  it("isGuestUser takes a user too; false for nobody", () => {
    const guestUser = guestUserHono(guestUsers());
    expect(guestUser.isGuestUser(null)).toBe(false);
    expect(guestUser.isGuestUser(undefined)).toBe(false);
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
    expect(guestUser.isGuestUser({ ...user, isGuest: false })).toBe(false);
  });

  it("shares a given web layer", () => {
    const first = guestUserHono(guestUsers());
    expect(guestUserHono(guestUsers(), { http: first.http }).http).toBe(first.http);
    expect(first.http.guestUsers).toBe(guestUsers());
  });
});
