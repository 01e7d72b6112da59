import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisLimitStore } from "../../src/limits/redis.ts";
import {
  closedPort,
  dropPrefix,
  REDIS_URL,
  readyClient,
  redisProblem,
  redisProxy,
  uniquePrefix,
} from "./redis-support.ts";

const run = promisify(execFile);
const problem = await redisProblem();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recordingLogger() {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (m: string) => warnings.push(m), error() {} } };
}

describe.skipIf(problem !== null)("redisLimitStore", () => {
  let client: Redis;
  const prefixes: string[] = [];
  const prefix = (label: string) => {
    const value = uniquePrefix(label);
    prefixes.push(value);
    return value;
  };
  beforeAll(async () => {
    client = await readyClient();
  });
  afterAll(async () => {
    for (const value of prefixes) await dropPrefix(client, value);
    client.disconnect();
  });

  it("allows max hits per window, says firstRefusal once, and keys by its prefix", async () => {
    const p = prefix("basic");
    const store = redisLimitStore({ client, prefix: p });
    const limit = { max: 3, windowSeconds: 60 };
    const verdicts = [];
    for (let i = 0; i < 6; i++) verdicts.push(await store.hit("a", limit));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false, false, false]);
    expect(verdicts.map((v) => v.firstRefusal)).toEqual([false, false, false, true, false, false]);
    expect(verdicts.map((v) => v.retryAfterSeconds).slice(0, 3)).toEqual([0, 0, 0]);
    expect(verdicts[3]?.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(verdicts[3]?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await client.exists(`${p}a`)).toBe(1);
    expect((await store.hit("b", limit)).allowed).toBe(true);
  });

  it("peeks without counting", async () => {
    const store = redisLimitStore({ client, prefix: prefix("peek") });
    const limit = { max: 2, windowSeconds: 60 };
    expect(await store.peek("k", limit)).toEqual({
      allowed: true,
      retryAfterSeconds: 0,
      firstRefusal: false,
    });
    await store.hit("k", limit);
    for (let i = 0; i < 5; i++) expect((await store.peek("k", limit)).allowed).toBe(true);
    await store.hit("k", limit);
    expect((await store.peek("k", limit)).allowed).toBe(true);
    expect((await store.hit("k", limit)).firstRefusal).toBe(true);
    const peeked = await store.peek("k", limit);
    expect(peeked.allowed).toBe(false);
    expect(peeked.firstRefusal).toBe(false);
    expect(peeked.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    // A tighter limit reads the same counter (one limiter per limit, one key).
    expect((await store.peek("k", { max: 5, windowSeconds: 60 })).allowed).toBe(true);
  });

  it("reset deletes the key", async () => {
    const p = prefix("reset");
    const store = redisLimitStore({ client, prefix: p });
    const limit = { max: 1, windowSeconds: 60 };
    await store.hit("k", limit);
    expect((await store.hit("k", limit)).allowed).toBe(false);
    await store.reset("k");
    expect(await client.exists(`${p}k`)).toBe(0);
    expect((await store.hit("k", limit)).allowed).toBe(true);
  });

  it("does not extend the window on refused hits, and opens again when it ends", async () => {
    const p = prefix("window");
    const store = redisLimitStore({ client, prefix: p });
    const limit = { max: 1, windowSeconds: 1.2 }; // rounded up to 2 s in Redis
    expect((await store.hit("k", limit)).allowed).toBe(true);
    const first = await client.pttl(`${p}k`);
    expect(first).toBeGreaterThan(1500);
    await sleep(600);
    for (let i = 0; i < 5; i++) expect((await store.hit("k", limit)).allowed).toBe(false);
    expect(await client.pttl(`${p}k`)).toBeLessThan(first - 500);
    await sleep(Math.max(0, (await client.pttl(`${p}k`)) + 50));
    const next = await store.hit("k", limit);
    expect(next).toEqual({ allowed: true, retryAfterSeconds: 0, firstRefusal: false });
  });

  it("shares one count between two Node processes", async () => {
    const p = prefix("processes");
    const script = fileURLToPath(new URL("./fixtures/hit.ts", import.meta.url));
    const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
    const startAt = String(Date.now() + 3000);
    const results = await Promise.all(
      [0, 1].map(async () => {
        const { stdout } = await run(tsx, [script, REDIS_URL, p, "40", "25", startAt]);
        return JSON.parse(stdout) as { allowed: number; firstRefusals: number };
      }),
    );
    // Counted apart, each would get 25.
    expect(results.reduce((sum, r) => sum + r.allowed, 0)).toBe(25);
    expect(results.reduce((sum, r) => sum + r.firstRefusals, 0)).toBe(1);
    expect(Number(await client.get(`${p}shared`))).toBe(80);
  });

  describe("when Redis does not answer", () => {
    const limit = { max: 2, windowSeconds: 60 };
    const deadClient = async () =>
      new Redis({ port: await closedPort(), host: "127.0.0.1", retryStrategy: () => 20 });

    it('"memory" (the default) counts in this process, and warns once per outage', async () => {
      const dead = await deadClient();
      const { warnings, logger } = recordingLogger();
      try {
        const store = redisLimitStore({ client: dead, logger, timeoutMs: 200 });
        const verdicts = [];
        for (let i = 0; i < 4; i++) verdicts.push(await store.hit("k", limit));
        expect(verdicts.map((v) => v.allowed)).toEqual([true, true, false, false]);
        expect(verdicts.map((v) => v.firstRefusal)).toEqual([false, false, true, false]);
        expect((await store.peek("k", limit)).allowed).toBe(false);
        await store.reset("k");
        expect((await store.hit("k", limit)).allowed).toBe(true);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/unavailable.*counting in this process's memory/);
      } finally {
        dead.disconnect();
      }
    });

    it('"allow" lets every hit through; "refuse" refuses them all', async () => {
      const dead = await deadClient();
      try {
        const open = redisLimitStore({
          client: dead,
          onUnavailable: "allow",
          logger: recordingLogger().logger,
          timeoutMs: 200,
        });
        for (let i = 0; i < 5; i++) expect((await open.hit("k", limit)).allowed).toBe(true);
        const closed = redisLimitStore({
          client: dead,
          onUnavailable: "refuse",
          logger: recordingLogger().logger,
          timeoutMs: 200,
        });
        const verdict = await closed.hit("k", limit);
        expect(verdict.allowed).toBe(false);
        expect(verdict.retryAfterSeconds).toBeGreaterThan(0);
        expect((await closed.peek("k", limit)).allowed).toBe(false);
      } finally {
        dead.disconnect();
      }
    });

    it("gives up on a silent server after timeoutMs", async () => {
      const hole = await redisProxy({ blackHole: true });
      const silent = new Redis({ port: hole.port, host: "127.0.0.1" });
      const { warnings, logger } = recordingLogger();
      try {
        const store = redisLimitStore({ client: silent, logger, timeoutMs: 100 });
        const started = Date.now();
        expect((await store.hit("k", limit)).allowed).toBe(true);
        expect(Date.now() - started).toBeLessThan(1000);
        expect(warnings[0]).toMatch(/no answer in 100 ms/);
      } finally {
        silent.disconnect();
        await hole.close();
      }
    });

    it("says when Redis is back, and shares counts again", async () => {
      const proxy = await redisProxy();
      const p = prefix("outage");
      const flaky = new Redis({
        port: proxy.port,
        host: "127.0.0.1",
        retryStrategy: () => 20,
        lazyConnect: true,
      });
      await flaky.connect();
      const { warnings, logger } = recordingLogger();
      try {
        const store = redisLimitStore({ client: flaky, prefix: p, logger, timeoutMs: 300 });
        await store.hit("k", limit);
        await proxy.down();
        await sleep(100);
        for (let i = 0; i < 3; i++) await store.hit("k", limit);
        expect(warnings).toHaveLength(1);
        await proxy.up();
        await new Promise((resolve) => flaky.once("ready", resolve));
        // Back on Redis: its count (1 hit) holds, not the memory one.
        expect((await store.hit("k", limit)).allowed).toBe(true);
        expect(warnings).toHaveLength(2);
        expect(warnings[1]).toMatch(/answers again/);
        expect(Number(await client.get(`${p}k`))).toBe(2);
      } finally {
        flaky.disconnect();
        await proxy.close();
      }
    });
  });

  it("rejects a client that is not ioredis", () => {
    expect(() => redisLimitStore({ client: {} as Redis })).toThrow(/ioredis/);
  });
});
