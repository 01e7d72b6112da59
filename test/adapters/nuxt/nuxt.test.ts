/**
 * `guest-user/nuxt` over real HTTP, on a small stand-in for h3 1.x's app loop (h3 is not
 * installed in the repository): a Node server that runs the middleware, then the route's
 * handler, and sends what a handler returns as h3 does (a `Response` with its `Set-Cookie`
 * appended to those already on Node's response, a string, JSON). The real Nitro build is
 * driven in Chromium by test/nuxt/nuxt.browser.test.ts; this file covers what a browser does
 * not reach: 405, the onWrite mode's cross-site refusal, the guards' redirects, an outage.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { guestUserNuxt } from "../../../src/adapters/nuxt/index.ts";
import type { GuestUserNuxtOptions, H3EventLike } from "../../../src/adapters/nuxt/types.ts";
import { createGuestUserHttp } from "../../../src/http/guest-user-http.ts";
import { createGuestUsers, type GuestUsers } from "../../../src/index.ts";
import { DatabaseUnavailableError } from "../../../src/shared/database-errors.ts";
import { BROWSER_USER_AGENT } from "../../support/browser-fetch.ts";
import { FAST_HASHING } from "../../support/guest-users.ts";

type Handler = (event: H3EventLike) => unknown;

/** Sends a handler's value as h3 1.x does. */
async function send(res: ServerResponse, value: unknown): Promise<void> {
  if (value instanceof Response) {
    for (const [name, header] of value.headers) {
      if (name === "set-cookie") res.appendHeader(name, header);
      else res.setHeader(name, header);
    }
    res.statusCode = value.status;
    res.end(Buffer.from(await value.arrayBuffer()));
  } else if (typeof value === "string") {
    res.setHeader("content-type", "text/html");
    res.end(value);
  } else {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(value));
  }
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A server running `middleware`, then the route of `routes` (404 without one). */
async function serve(middleware: Handler, routes: Record<string, Handler>): Promise<string> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const event: H3EventLike = { path: req.url ?? "/", context: {}, node: { req, res } };
    try {
      const early = await middleware(event);
      if (early !== undefined) return await send(res, early);
      const route = routes[(req.url ?? "/").split("?")[0] ?? "/"];
      if (!route) return await send(res, new Response("Not Found", { status: 404 }));
      await send(res, await route(event));
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function makeGuestUsers(options: { createGuests?: "onVisit" | "onWrite" } = {}): GuestUsers {
  return createGuestUsers({
    database: "sqlite::memory:",
    secret: "n".repeat(40),
    passwordHashing: FAST_HASHING,
    ...options,
  });
}

/** The notes app's server side: who is asking, a write that makes the guest, a guarded route. */
async function notesApp(guestUsers: GuestUsers, options: GuestUserNuxtOptions = {}) {
  await guestUsers.migrate();
  const guestUser = guestUserNuxt(guestUsers, options);
  return serve(guestUser.middleware, {
    "/who": (event) => ({ user: (event.context.user as { id: number } | null)?.id ?? null }),
    "/notes": async (event) => {
      const user = await guestUser.ensureGuest(event);
      return Response.json({ id: user?.id ?? null }, { status: user ? 201 : 403 });
    },
    "/billing": guestUser.regularUserRequired(() => "paid area"),
  });
}

const browser = { "user-agent": BROWSER_USER_AGENT };
const sameOrigin = { ...browser, "sec-fetch-site": "same-origin" };
const countUsers = async (guestUsers: GuestUsers) =>
  (
    await guestUsers.db
      .withTables<{ guest_user_users: { id: number } }>()
      .selectFrom("guest_user_users")
      .select("id")
      .execute()
  ).length;

describe("guest-user/nuxt on h3 1.x's semantics", () => {
  it("resolves the visitor in the middleware and never makes a guest there", async () => {
    const guestUsers = makeGuestUsers();
    const url = await notesApp(guestUsers);
    const response = await fetch(`${url}/who`, { headers: browser });
    expect(await response.json()).toEqual({ user: null });
    expect(response.headers.getSetCookie()).toEqual([]);
    const session = await fetch(`${url}/api/_guest-user/session`, { headers: browser });
    expect(await session.json()).toEqual({
      user: null,
      isGuest: false,
      expiresAt: null,
      canBecomeGuest: true,
    });
    expect(await countUsers(guestUsers)).toBe(0);
  });

  it("answers the account views with or without the slash, 405 for another method", async () => {
    const url = await notesApp(makeGuestUsers());
    for (const path of ["/accounts/login/", "/accounts/login", "/convert/?next=/"]) {
      const response = await fetch(`${url}${path}`, { headers: browser });
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain("<form");
    }
    const put = await fetch(`${url}/accounts/login/`, { method: "PUT", headers: browser });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST");
  });

  it("makes the guest on the first write, its cookie on the handler's own Response", async () => {
    const guestUsers = makeGuestUsers({ createGuests: "onWrite" });
    const url = await notesApp(guestUsers);
    const crossSite = await fetch(`${url}/notes`, {
      method: "POST",
      headers: { ...browser, "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    expect(await countUsers(guestUsers)).toBe(0);

    const first = await fetch(`${url}/notes`, { method: "POST", headers: sameOrigin });
    expect(first.status).toBe(201);
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith("guest_user_session="));
    expect(cookie).toMatch(/HttpOnly/);
    const { id } = (await first.json()) as { id: number };
    const cookieHeader = { cookie: cookie?.split(";")[0] ?? "" };
    const again = await fetch(`${url}/notes`, {
      method: "POST",
      headers: { ...sameOrigin, ...cookieHeader },
    });
    expect(await again.json()).toEqual({ id });
    expect(await countUsers(guestUsers)).toBe(1);

    // regularUserRequired: the guest goes to convert, a stranger to log in, both with next.
    const guest = await fetch(`${url}/billing`, {
      headers: { ...browser, ...cookieHeader },
      redirect: "manual",
    });
    expect(guest.status).toBe(302);
    expect(guest.headers.get("location")).toBe("/convert/?next=/billing");
    const stranger = await fetch(`${url}/billing`, { headers: browser, redirect: "manual" });
    expect(stranger.headers.get("location")).toBe("/accounts/login/?next=/billing");
  });

  it("answers 503 with Retry-After when the database is down", async () => {
    const guestUsers = makeGuestUsers();
    const real = createGuestUserHttp(guestUsers);
    const down = new DatabaseUnavailableError(new Error("connect ECONNREFUSED"), {
      reason: "unreachable",
      message: "Start the database.",
    });
    const http = { ...real, resolve: () => Promise.reject(down) };
    const url = await notesApp(guestUsers, { http });
    const response = await fetch(`${url}/who`, { headers: browser });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
  });
});
