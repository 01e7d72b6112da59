/**
 * The limit stores refuse a wrong option value at start-up with INVALID_CONFIG naming the
 * option and what it expects; a Redis client (its options hold the password) and a URL given
 * instead of one are never shown. The values they take still count on a real Redis.
 */
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { memoryLimitStore } from "../../src/limits/memory.ts";
import { redisLimitStore } from "../../src/limits/redis.ts";
import { InvalidConfigError } from "../../src/shared/errors.ts";
import { dropPrefix, REDIS_URL, readyClient, redisProblem, uniquePrefix } from "./redis-support.ts";

const problem = await redisProblem();

/** The message of the INVALID_CONFIG error `start` throws (fails the test when none). */
function refusal(start: () => unknown): string {
  try {
    start();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidConfigError);
    return (error as Error).message;
  }
  throw new Error("no error");
}

describe("option values of memoryLimitStore()", () => {
  it("refuses a wrong one and takes the right ones", async () => {
    expect(refusal(() => memoryLimitStore({ maxKeys: 0 }))).toBe(
      "Invalid option `maxKeys`: expected a whole number of at least 1, got 0",
    );
    expect(refusal(() => memoryLimitStore({ clock: 5 } as never))).toBe(
      "Invalid option `clock`: expected a function, got a number",
    );
    const store = memoryLimitStore({ clock: () => 1000, maxKeys: 1 });
    await store.hit("a", { max: 1, windowSeconds: 60 });
    await store.hit("b", { max: 1, windowSeconds: 60 });
    expect(store.size).toBe(1); // maxKeys holds at all times
  });
});

describe.skipIf(problem !== null)("option values of redisLimitStore()", () => {
  const SECRET_URL = REDIS_URL.replace("redis://", "redis://:hunter2-secret@");

  it("never shows a client, nor a URL given instead of one", () => {
    const lazy = new Redis(SECRET_URL, { lazyConnect: true });
    try {
      for (const [options, message] of [
        [
          {},
          "Invalid option `client`: expected an ioredis 5 Redis or Cluster client, got undefined",
        ],
        [
          { client: SECRET_URL },
          "Invalid option `client`: expected an ioredis 5 Redis or Cluster client, got a string",
        ],
        [
          { client: lazy, logger: lazy.options },
          "Invalid option `logger`: expected a logger with a warn() method, got an object",
        ],
      ] as const) {
        const refused = refusal(() => redisLimitStore(options as never));
        expect(refused).toBe(message);
        expect(refused).not.toContain("hunter2");
      }
    } finally {
      lazy.disconnect();
    }
  });

  it("refuses a wrong value, and counts on Redis with the right ones", async () => {
    const client = await readyClient();
    const prefix = uniquePrefix("option-values");
    try {
      expect(refusal(() => redisLimitStore({ client, onUnavailable: "fallback" } as never))).toBe(
        'Invalid option `onUnavailable`: expected "memory", "allow" or "refuse", got "fallback"',
      );
      expect(refusal(() => redisLimitStore({ client, timeoutMs: -5 }))).toBe(
        "Invalid option `timeoutMs`: expected a whole number of at least 1, got -5",
      );
      expect(refusal(() => redisLimitStore({ client, prefix: 7 } as never))).toBe(
        "Invalid option `prefix`: expected a string, got 7",
      );
      const warnings: string[] = [];
      const store = redisLimitStore({
        client,
        prefix,
        onUnavailable: "refuse",
        timeoutMs: 2000,
        logger: { warn: (message) => warnings.push(message), error() {} },
      });
      await store.hit("k", { max: 5, windowSeconds: 60 });
      expect(Number(await client.get(`${prefix}k`))).toBe(1);
      expect(warnings).toEqual([]);
    } finally {
      await dropPrefix(client, prefix);
      client.disconnect();
    }
  });
});
