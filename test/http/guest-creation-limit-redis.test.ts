import type { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { redisLimitStore } from "../../src/limits/redis.ts";
import { dropPrefix, readyClient, redisProblem, uniquePrefix } from "../limits/redis-support.ts";
import { adapterServers } from "../support/adapter-servers.ts";
import { describeEachDatabase } from "../support/guest-users.ts";

const SECRET = "r".repeat(40);
const problem = await redisProblem();

describeEachDatabase("guestCreationLimit shared through Redis", (fx) => {
  let client: Redis;
  const prefixes: string[] = [];
  beforeAll(async () => {
    if (problem === null) client = await readyClient();
  });
  afterAll(async () => {
    if (problem !== null) return;
    for (const prefix of prefixes) await dropPrefix(client, prefix);
    client.disconnect();
  });

  for (const [name, start] of Object.entries(adapterServers)) {
    it.skipIf(problem !== null)(
      `two servers share one count: together they make exactly max guests (${name})`,
      async () => {
        const prefix = uniquePrefix(`creation-${name}`);
        prefixes.push(prefix);
        const options = {
          secret: SECRET,
          guestCreationLimit: { max: 4, windowSeconds: 3600 },
          tablePrefix: `redis_${name}_`,
        };
        // Two app instances on one database, each with its own Redis store on the same prefix.
        const first = await fx.open({
          ...options,
          limitStore: redisLimitStore({ client, prefix }),
        });
        const second = await fx.open({
          ...options,
          limitStore: redisLimitStore({ client, prefix }),
        });
        const servers = [await start(first), await start(second)];
        try {
          const made: boolean[] = [];
          for (let i = 0; i < 8; i++) {
            const server = servers[i % 2] as (typeof servers)[number];
            // The function guard and the mounted mixin view count against the same limit.
            const response = await fetch(`${server.url}${i % 4 < 2 ? "/page/" : "/mixin/"}`);
            expect(response.status).toBe(200);
            made.push(((await response.json()) as { user: unknown }).user !== null);
          }
          expect(made).toEqual([true, true, true, true, false, false, false, false]);
          expect((await first.stats()).guests).toBe(4);
        } finally {
          for (const server of servers) await server.close();
        }
      },
    );
  }
});
