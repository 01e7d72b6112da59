import { createRequire } from "node:module";
import type { ErrorRequestHandler } from "express";
import express5 from "express";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type GuestUserExpress, guestUserExpress } from "../../../src/adapters/express/index.ts";
import type { WebHandler, WebRoute } from "../../../src/http/handler.ts";
import { createGuestUsers } from "../../../src/index.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  browser,
  EXPRESS_VERSIONS,
  errorHandler,
  listen,
  type RunningServer,
  SECRET,
} from "./harness.ts";

/** Answers what it received, with two cookies of its own and one from the state. */
const echo: WebHandler = async (request, { http, state }) => {
  const body = request.body ? await request.text() : null;
  http.csrfToken(request, state); // queues the CSRF seed cookie on the state
  const headers = new Headers({ "content-type": "application/json", "x-echo": "yes" });
  headers.append("set-cookie", "a=1; Path=/");
  headers.append("set-cookie", "b=2; Path=/");
  const received = {
    method: request.method,
    url: request.url,
    contentType: request.headers.get("content-type"),
    body,
    user: state.user?.id ?? null,
  };
  return new Response(JSON.stringify(received), { status: 201, headers });
};

const streamed: WebHandler = async () => {
  const chunks = ["one ", "two ", "three"];
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(chunk));
    },
  });
  return new Response(body, { headers: { "content-type": "text/plain" } });
};

const failing: WebHandler = async () => {
  throw new Error("view failed");
};

const routes: readonly WebRoute[] = [
  { methods: ["GET", "POST"], path: "/echo/", handler: echo },
  { methods: ["GET"], path: "/streamed/", handler: streamed },
  { methods: ["POST"], path: "/failing/", handler: failing },
];

interface Echo {
  method: string;
  url: string;
  contentType: string | null;
  body: string | null;
  user: unknown;
}

describe("the test matrix", () => {
  it("runs Express 4 and Express 5", () => {
    const require = createRequire(import.meta.url);
    expect((require("express4/package.json") as { version: string }).version).toMatch(/^4\./);
    expect((require("express/package.json") as { version: string }).version).toMatch(/^5\./);
  });
});

describe("a failing database", () => {
  it("answers 503 + Retry-After itself (the app's error handler is not reached); other errors still go to next(err)", async () => {
    const logger = { warn: vi.fn(), error: vi.fn() };
    const guestUsers = createGuestUsers({
      database: "postgres://nobody@127.0.0.1:1/none",
      secret: SECRET,
      logger,
    });
    const guestUser = guestUserExpress(guestUsers);
    const app = express5();
    app.use(guestUser.session());
    app.get("/allow/", guestUser.allowGuestUser(), (_req, res) => {
      res.send("never");
    });
    app.post("/failing/", guestUser.mount(failing));
    const handled: unknown[] = [];
    app.use(((error, req, res, next) => {
      handled.push(error);
      errorHandler(error, req, res, next);
    }) satisfies ErrorRequestHandler);
    const server = await listen(app);
    try {
      const client = browser(server.url);
      // No cookie: the session middleware needs no query; the guard's guest creation fails.
      const creating = await client.fetch("/allow/");
      // A cookie: the session middleware's lookup fails.
      const withCookie = await client.fetch("/allow/", {
        headers: {
          cookie:
            "guest_user_session=AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
        },
      });
      for (const response of [creating, withCookie]) {
        expect(response.status).toBe(503);
        expect(response.headers.get("retry-after")).toBe("5");
        expect(await response.text()).toMatch(/temporarily unavailable/);
      }
      expect(handled).toEqual([]);
      expect(logger.error).toHaveBeenCalledTimes(1);

      // Anything but an outage is the app's business: next(err), its error handler answers.
      const failed = await client.fetch("/failing/", { method: "POST" });
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({ error: "view failed" });
      expect(handled).toEqual([expect.objectContaining({ message: "view failed" })]);
    } finally {
      await server.close();
      await guestUsers.close();
    }
  });
});

describeEachDatabase("express mount and router over HTTP", (fx) => {
  describe.each(EXPRESS_VERSIONS)("Express %s", (_version, express) => {
    let guestUser: GuestUserExpress;
    let server: RunningServer;

    beforeAll(async () => {
      guestUser = guestUserExpress(await fx.open({ secret: SECRET }));
      const app = express();
      app.use(guestUser.session());
      app.post("/raw/", guestUser.mount(echo));
      app.post("/json/", express.json(), guestUser.mount(echo));
      app.post("/form/", express.urlencoded({ extended: true }), guestUser.mount(echo));
      app.post("/text/", express.text(), guestUser.mount(echo));
      app.use(guestUser.router(routes));
      app.use("/prefix", guestUser.router(routes));
      app.use((_req, res) => {
        res.status(404).send("not found");
      });
      app.use(errorHandler);
      server = await listen(app);
    });
    afterAll(async () => {
      await server?.close();
    });

    const post = (path: string, body: string, contentType: string) =>
      browser(server.url).fetch(path, {
        method: "POST",
        body,
        headers: { "content-type": contentType },
      });

    it("passes method, absolute URL, headers and state; writes status, headers and every cookie", async () => {
      const response = await browser(server.url).fetch("/echo/?q=1");
      expect(response.status).toBe(201);
      expect(response.headers.get("x-echo")).toBe("yes");
      const cookies = response.headers.getSetCookie();
      expect(cookies).toContain("a=1; Path=/");
      expect(cookies).toContain("b=2; Path=/");
      expect(cookies.some((cookie) => cookie.startsWith("guest_user_session_csrf="))).toBe(true);
      expect(await response.json()).toEqual({
        method: "GET",
        url: `${server.url}/echo/?q=1`,
        contentType: null,
        body: null,
        user: null,
      });
    });

    it("streams an unread body", async () => {
      const response = await post("/raw/", '{"raw":true}', "application/json");
      expect(((await response.json()) as Echo).body).toBe('{"raw":true}');
    });

    it("re-encodes a body parsed by express.json()", async () => {
      const response = await post("/json/", '{ "a" : [1, "two"] }', "application/json");
      const received = (await response.json()) as Echo;
      expect(received.contentType).toBe("application/json");
      expect(JSON.parse(received.body ?? "null")).toEqual({ a: [1, "two"] });
    });

    it("re-encodes a body parsed by express.urlencoded()", async () => {
      const response = await post(
        "/form/",
        "name=Ada+L&tag=x&tag=y&csrf_token=t%2Bk",
        "application/x-www-form-urlencoded",
      );
      const received = (await response.json()) as Echo;
      expect(received.contentType).toMatch(/^application\/x-www-form-urlencoded/);
      const form = new URLSearchParams(received.body ?? "");
      expect(form.get("name")).toBe("Ada L");
      expect(form.getAll("tag")).toEqual(["x", "y"]);
      expect(form.get("csrf_token")).toBe("t+k");
    });

    it("passes a body parsed by express.text() as it is", async () => {
      const response = await post("/text/", "hello", "text/plain");
      expect(((await response.json()) as Echo).body).toBe("hello");
    });

    it("streams a response body", async () => {
      const response = await browser(server.url).fetch("/streamed/");
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("one two three");
    });

    it("hands a failing handler's error to next(err)", async () => {
      const response = await browser(server.url).fetch("/failing/", { method: "POST" });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: "view failed" });
    });

    it("routes by exact path and method, relative to where the router is mounted", async () => {
      const client = browser(server.url);
      expect((await client.fetch("/echo/", { method: "POST", body: "x" })).status).toBe(201);
      expect((await client.fetch("/prefix/echo/")).status).toBe(201);
      expect((await client.fetch("/echo")).status).toBe(404);
      expect((await client.fetch("/echo/x/")).status).toBe(404);
      expect((await client.fetch("/echo/", { method: "PUT" })).status).toBe(404);
      expect((await client.fetch("/failing/")).status).toBe(404);
      const head = await client.fetch("/streamed/", { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
    });

    it("gives the handler the visitor's state", async () => {
      const client = browser(server.url);
      const guest = await guestUser.http.guestUsers.createGuestSession();
      client.cookies.set("guest_user_session", guest.session.token);
      const response = await client.fetch("/echo/");
      expect(((await response.json()) as Echo).user).toEqual(guest.user.id);
    });
  });
});
