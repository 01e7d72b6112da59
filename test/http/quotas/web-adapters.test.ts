/**
 * The `quota()` guard on the Web-native adapters (issue 20): a Next route handler
 * (`guestUser.quota(handler, name)`), a Nuxt event handler (`guestUser.quota(handler, name)`)
 * and a `fetchHandler` with `guarded`'s `quota(name)`: 2 units for a guest (the first request
 * makes it), then the 429 with `Retry-After` and `upgradeUrl`; a `cost` of 2 spends two.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { guestUserNext } from "../../../src/adapters/next/index.ts";
import { guestUserNuxt } from "../../../src/adapters/nuxt/index.ts";
import type { H3EventLike } from "../../../src/adapters/nuxt/types.ts";
import { createGuestUserHttp } from "../../../src/http/guest-user-http.ts";
import { createGuestUsers, fetchHandler, type GuestUsers, quota } from "../../../src/index.ts";
import { BROWSER_USER_AGENT } from "../../support/browser-fetch.ts";

const ORIGIN = "http://localhost:3000";
const QUOTAS = {
  ai: { guest: { max: 2, windowSeconds: 60 }, registered: { max: 5, windowSeconds: 60 } },
};

async function open(): Promise<GuestUsers> {
  const gu = createGuestUsers({
    database: "sqlite::memory:",
    secret: "q".repeat(40),
    quotas: QUOTAS,
  });
  await gu.migrate();
  return gu;
}

/** Calls `handler` three times as one browser (its cookie kept): the statuses and last body. */
async function thrice(handler: (request: Request) => Promise<Response>, path: string) {
  let cookie = "";
  const statuses: number[] = [];
  let last: Response | undefined;
  for (let i = 0; i < 3; i++) {
    const headers: Record<string, string> = {
      "user-agent": BROWSER_USER_AGENT,
      accept: "application/json",
    };
    if (cookie) headers.cookie = cookie;
    last = await handler(new Request(`${ORIGIN}${path}`, { headers }));
    const set = last.headers.getSetCookie().find((line) => line.startsWith("guest_user_session="));
    if (set) cookie = set.split(";")[0] ?? "";
    statuses.push(last.status);
  }
  return { statuses, last: last as Response };
}

const refusal = (path: string) => ({
  error: { code: "QUOTA_EXCEEDED", message: expect.any(String) },
  quota: { name: "ai", limit: 2, remaining: 0, resetAt: expect.any(String) },
  upgradeUrl: `/convert/?next=${path}`,
});

describe("the quota() guard on Web handlers", () => {
  it("Next: a route handler behind guestUser.quota(handler, name)", async () => {
    const gu = await open();
    const headers = async () => new Headers({ host: "localhost:3000" });
    const guestUser = guestUserNext(gu, { headers, cookies: async () => ({ set() {} }) });
    const GET = guestUser.quota(
      async (_request, { state }) => Response.json({ quota: state.quota }),
      "ai",
    );
    const { statuses, last } = await thrice((request) => GET(request), "/api/ask");
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(50);
    expect(await last.json()).toEqual(refusal("/api/ask"));
    await gu.close();
  });

  it("fetchHandler: guarded by quota(name, { cost })", async () => {
    const gu = await open();
    const http = createGuestUserHttp(gu);
    const handle = fetchHandler(http, [quota("ai")], async (_r, { state }) =>
      Response.json(state.quota),
    );
    const { statuses, last } = await thrice(handle, "/ask");
    expect(statuses).toEqual([200, 200, 429]);
    expect(await last.json()).toEqual(refusal("/ask"));
    // A cost of 2 on a fresh guest: one request spends both units.
    const costly = fetchHandler(http, [quota("ai", { cost: 2 })], async (_r, { state }) =>
      Response.json(state.quota),
    );
    expect((await thrice(costly, "/big")).statuses).toEqual([200, 429, 429]);
    await gu.close();
  });

  it("Nuxt: an event handler behind guestUser.quota(handler, name), over HTTP", async () => {
    const gu = await open();
    const guestUser = guestUserNuxt(gu);
    const route = guestUser.quota(
      (event) => ({ quota: (event.context.guestUser as { quota: unknown }).quota }),
      "ai",
    );
    // h3 1.x's loop, as far as this route needs it: the event, then the value sent.
    const server = createServer(async (req, res) => {
      const event: H3EventLike = { path: req.url ?? "/", context: {}, node: { req, res } };
      const value = await route(event);
      const response = value instanceof Response ? value : Response.json(value);
      for (const [name, header] of response.headers)
        if (name !== "set-cookie") res.setHeader(name, header);
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) res.appendHeader("set-cookie", cookies);
      res.statusCode = response.status;
      res.end(await response.text());
    });
    await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { statuses, last } = await thrice((request) => {
        const url = new URL(request.url);
        return fetch(`${base}${url.pathname}`, { headers: request.headers });
      }, "/api/ask");
      expect(statuses).toEqual([200, 200, 429]);
      expect(await last.json()).toEqual(refusal("/api/ask"));
    } finally {
      server.close();
      await gu.close();
    }
  });
});
