import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { guestUserFastify } from "../../src/adapters/fastify/index.ts";
import { type GuestUserEnv, guestUserHono } from "../../src/adapters/hono/index.ts";
import { createGuestUserHttp } from "../../src/http/guest-user-http.ts";
import { userJson } from "../../src/http/request.ts";
import type { GuestUsers } from "../../src/index.ts";
import { memoryLimitStore } from "../../src/limits/memory.ts";
import {
  listenExpress,
  listenFastify,
  listenHono,
  type TestServer,
} from "../support/adapter-servers.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const SECRET = "x".repeat(40);

describe("memoryLimitStore", () => {
  it("allows max per window, says firstRefusal once, and opens again in the next window", async () => {
    const clock = testClock();
    const store = memoryLimitStore({ clock: clock.now });
    const limit = { max: 2, windowSeconds: 60 };
    const verdicts = [];
    for (let i = 0; i < 4; i++) verdicts.push(await store.hit("a", limit));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, false, false]);
    expect(verdicts.map((v) => v.firstRefusal)).toEqual([false, false, true, false]);
    expect(verdicts[2]?.retryAfterSeconds).toBe(60);
    expect((await store.peek("a", limit)).allowed).toBe(false);
    expect((await store.hit("b", limit)).allowed).toBe(true);
    clock.advance(61);
    expect((await store.hit("a", limit)).allowed).toBe(true);
    await store.hit("a", limit);
    await store.hit("a", limit);
    await store.reset("a");
    expect((await store.hit("a", limit)).allowed).toBe(true);
  });

  it("keeps memory bounded under many addresses", async () => {
    const clock = testClock();
    const store = memoryLimitStore({ clock: clock.now });
    const limit = { max: 1, windowSeconds: 1 };
    for (let i = 0; i < 50_000; i++) {
      await store.hit(`10.0.${i >> 8}.${i & 255}`, limit);
      if (i % 5000 === 0) clock.advance(2);
    }
    // Ended windows are swept once the map passes 10,000 addresses: it never holds all 50,000.
    expect(store.size).toBeLessThanOrEqual(15_000);
    expect((await store.hit("10.0.0.1", limit)).allowed).toBe(true);
  });

  it("never holds more than maxKeys, dropping the oldest windows, with counts kept right", async () => {
    const clock = testClock();
    const store = memoryLimitStore({ clock: clock.now, maxKeys: 1000 });
    const limit = { max: 1, windowSeconds: 3600 };
    const address = (i: number) => `10.1.${i >> 8}.${i & 255}`;
    let largest = 0;
    for (let i = 0; i < 3000; i++) {
      await store.hit(address(i), limit);
      largest = Math.max(largest, store.size);
    }
    expect(largest).toBe(1000);
    // The newest 1000 addresses still count (a second hit is refused); the oldest start again.
    expect((await store.hit(address(2999), limit)).allowed).toBe(false);
    expect((await store.hit(address(2000), limit)).allowed).toBe(false);
    expect((await store.hit(address(0), limit)).allowed).toBe(true);
    expect(store.size).toBe(1000);

    const quota = { max: 10, windowSeconds: 3600 };
    for (let i = 0; i < 3000; i++) await store.consume(`user:${i}`, 2, quota);
    expect(store.size).toBe(1000);
    expect(await store.consume("user:2999", 3, quota)).toMatchObject({ allowed: true, used: 5 });
    expect(await store.consume("user:0", 0, quota)).toMatchObject({ used: 0, resetAt: null });
  });

  it("drops ended windows before live ones when full", async () => {
    const clock = testClock();
    const store = memoryLimitStore({ clock: clock.now, maxKeys: 4 });
    const long = { max: 1, windowSeconds: 3600 };
    await store.hit("short", { max: 1, windowSeconds: 1 });
    for (const key of ["a", "b", "c"]) await store.hit(key, long);
    clock.advance(2);
    await store.hit("d", long);
    expect(store.size).toBe(4);
    // "a" is the oldest live window, but the ended "short" went instead: "a" still counts.
    expect((await store.hit("a", long)).allowed).toBe(false);
  });

  it("does not pile up ended windows over rounds of new addresses", async () => {
    const clock = testClock();
    const store = memoryLimitStore({ clock: clock.now });
    const limit = { max: 1, windowSeconds: 1 };
    let largest = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 12_000; i++) {
        await store.hit(`r${round}:${i}`, limit);
        largest = Math.max(largest, store.size);
      }
      clock.advance(2);
    }
    // 120,000 addresses counted, each for 1 s: never more than two rounds' worth held.
    expect(largest).toBeLessThanOrEqual(24_000);
    expect((await store.hit("r9:11999", limit)).allowed).toBe(true); // its window ended
  });
});

type Start = (gu: GuestUsers) => Promise<TestServer>;

const servers: Record<string, Start> = {
  async express(gu) {
    const guestUser = guestUserExpress(gu);
    const app = express();
    app.get("/page/", guestUser.allowGuestUser(), (req, res) => {
      res.json(userJson(req.user ?? null));
    });
    return listenExpress(app);
  },
  async hono(gu) {
    const guestUser = guestUserHono(gu);
    const app = new Hono<GuestUserEnv>();
    app.get("/page/", guestUser.allowGuestUser(), (c) => c.json(userJson(c.var.user)));
    return listenHono(app);
  },
  async fastify(gu) {
    const guestUser = guestUserFastify(gu);
    const app = Fastify();
    await app.register(guestUser.session());
    app.get("/page/", { preHandler: guestUser.allowGuestUser() }, async (request) =>
      userJson(request.user),
    );
    return listenFastify(app);
  },
};

describeEachDatabase("guestCreationLimit", (fx) => {
  it("serves a client anonymously once it made max guests in the window (web layer)", async () => {
    if (fx.dialect === "mysql") return;
    const clock = testClock();
    const gu = await fx.open({
      secret: SECRET,
      clock: clock.now,
      guestCreationLimit: { max: 2, windowSeconds: 3600 },
      tablePrefix: "limit_",
    });
    const http = createGuestUserHttp(gu);
    const visit = async (clientAddress: string) => {
      const request = {
        method: "GET",
        url: "http://localhost/",
        headers: new Headers({ "user-agent": BROWSER_USER_AGENT }),
        clientAddress,
      };
      // The adapter's part: resolve() puts request.clientAddress on the state the gate reads.
      const state = await http.resolve(request);
      expect(state.clientAddress).toBe(clientAddress);
      return http.maybeCreateGuestUser(request, state);
    };
    expect(await visit("203.0.113.9")).not.toBeNull();
    expect(await visit("203.0.113.9")).not.toBeNull();
    expect(await visit("203.0.113.9")).toBeNull();
    expect(await visit("198.51.100.7")).not.toBeNull();
    clock.advance(3601);
    expect(await visit("203.0.113.9")).not.toBeNull();
    expect((await gu.stats()).guests).toBe(4);
  });

  for (const [name, start] of Object.entries(servers)) {
    it(`limits guest creation per address over real HTTP (${name})`, async () => {
      if (fx.dialect === "mysql") return;
      const gu = await fx.open({
        secret: SECRET,
        guestCreationLimit: { max: 3, windowSeconds: 3600 },
        tablePrefix: `limit_${name}_`,
      });
      const server = await start(gu);
      try {
        const bodies = [];
        for (let i = 0; i < 5; i++) {
          const response = await fetch(`${server.url}/page/`);
          expect(response.status).toBe(200);
          bodies.push((await response.json()) as { user: unknown });
        }
        expect(bodies.map((b) => b.user !== null)).toEqual([true, true, true, false, false]);
        expect((await gu.stats()).guests).toBe(3);
      } finally {
        await server.close();
      }
    });
  }
});
