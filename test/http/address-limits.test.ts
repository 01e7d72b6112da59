/**
 * Limits count a client by its address's key (issue 17, finding 5): the addresses of one IPv6
 * /64 share one count, `::ffff:10.0.0.1` counts as `10.0.0.1`, `ipv6Subnet: 128` counts each
 * address apart. Over real HTTP on the three adapters, the address set by a trusted proxy's
 * X-Forwarded-For; in memory and in Redis.
 */
import type { Redis } from "ioredis";
import { expect, it } from "vitest";
import type { GuestUsers, GuestUsersOptions } from "../../src/index.ts";
import { redisLimitStore } from "../../src/limits/redis.ts";
import { dropPrefix, readyClient, redisProblem, uniquePrefix } from "../limits/redis-support.ts";
import { adapterServers, type TestServer } from "../support/adapter-servers.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { convertForm, PASSWORD, SECRET } from "./views/client.ts";
import { SERVERS, visitor } from "./views/throttle-servers.ts";

const redisDown = await redisProblem();

/** `count` different addresses of the IPv6 network `2001:db8:<site>::/64`. */
const inOne64 = (site: string, count: number) =>
  Array.from(
    { length: count },
    (_, i) => `2001:db8:${site}:0:${(i * 0x1111 + 1).toString(16)}:0:beef:${i + 1}`,
  );

/** True for each visit from `addresses` that got a guest. */
async function guestsFor(server: TestServer, addresses: readonly string[]): Promise<boolean[]> {
  const made: boolean[] = [];
  for (const address of addresses) {
    const response = await fetch(`${server.url}/page/`, {
      headers: { "x-forwarded-for": address },
    });
    expect(response.status).toBe(200);
    made.push(((await response.json()) as { user: unknown }).user !== null);
  }
  return made;
}

/** The statuses of one wrong-password login of `username` from each address. */
async function wrongLogins(url: string, addresses: readonly string[], username = "ada") {
  const statuses: number[] = [];
  for (const address of addresses) {
    const response = await visitor(url, address).login(username, "wrong-password");
    statuses.push(response.status);
    await response.body?.cancel();
  }
  return statuses;
}

const FIVE = { max: 5, windowSeconds: 3600 };

describeEachDatabase("limits count addresses by their key", (fx) => {
  let serial = 0;
  const open = (options: GuestUsersOptions): Promise<GuestUsers> =>
    fx.open({ secret: SECRET, tablePrefix: `addr${serial++}_`, ...options });

  for (const [name, start] of Object.entries(adapterServers)) {
    it(`one IPv6 /64 gets at most the limit of guests; ::ffff:10.0.0.1 is 10.0.0.1 (${name})`, async () => {
      if (fx.dialect === "mysql") return;
      const seen: (string | null)[] = [];
      const gu = await open({
        guestCreationLimit: FIVE,
        beforeGuestCreated: ({ clientAddress }) => seen.push(clientAddress) > 0,
      });
      const server = await start(gu, { trustProxy: 1 });
      try {
        const rotating = await guestsFor(server, inOne64("1", 8));
        expect(rotating).toEqual([true, true, true, true, true, false, false, false]);
        // The app still sees each real address; only the count is by the /64.
        expect(seen).toEqual(inOne64("1", 5));
        // Another /64 counts apart.
        expect(await guestsFor(server, inOne64("2", 1))).toEqual([true]);
        const mixed = ["::ffff:10.0.0.1", "10.0.0.1"];
        const mapped = await guestsFor(server, [...mixed, ...mixed, ...mixed]);
        expect(mapped).toEqual([true, true, true, true, true, false]);
        expect((await gu.stats()).guests).toBe(11);
      } finally {
        await server.close();
      }
    });
  }

  it("ipv6Subnet: 128 counts each IPv6 address apart", async () => {
    if (fx.dialect === "mysql") return;
    const gu = await open({ guestCreationLimit: FIVE, ipv6Subnet: 128 });
    const server = await adapterServers.hono(gu, { trustProxy: 1 });
    try {
      expect(await guestsFor(server, inOne64("1", 8))).toEqual(Array(8).fill(true));
    } finally {
      await server.close();
    }
  });

  for (const [name, start] of Object.entries(SERVERS)) {
    it(`the log-in throttle counts one /64, and IPv4-mapped with IPv4, as one address (${name})`, async () => {
      if (fx.dialect === "mysql") return;
      const gu = await open({ loginLimit: { max: 2, windowSeconds: 600 } });
      await gu.createUser(convertForm("ada"));
      const server = await start(gu);
      try {
        // ada's failures from one address: 2 allowed, then 429 from every address of the /64.
        expect(await wrongLogins(server.url, inOne64("1", 8))).toEqual([
          200, 200, 429, 429, 429, 429, 429, 429,
        ]);
        const refused = await visitor(server.url, "2001:db8:1::ffff:1").login("ada", PASSWORD);
        expect(refused.status).toBe(429);
        // Another /64 has its own count.
        const elsewhere = await visitor(server.url, "2001:db8:2::1").login("ada", PASSWORD);
        expect(elsewhere.status).toBe(302);
        const mixed = ["::ffff:198.51.100.7", "198.51.100.7", "::ffff:198.51.100.7"];
        expect(await wrongLogins(server.url, mixed)).toEqual([200, 200, 429]);
      } finally {
        await server.close();
      }
    });
  }

  it("sign-ups are limited per /64, and ipv6Subnet: 128 counts each address", async () => {
    if (fx.dialect === "mysql") return;
    const loginLimit = { max: 1, windowSeconds: 600 }; // 5 sign-ups per address
    const signUps = async (options: GuestUsersOptions) => {
      const server = await SERVERS.fastify(await open({ loginLimit, ...options }));
      try {
        const statuses: number[] = [];
        for (const [i, address] of inOne64("1", 7).entries()) {
          const made = await visitor(server.url, address).bearer(
            "/accounts/signup/",
            convertForm(`new${serial}_${i}`),
          );
          statuses.push(made.status);
        }
        return statuses;
      } finally {
        await server.close();
      }
    };
    expect(await signUps({})).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(await signUps({ ipv6Subnet: 128 })).toEqual(Array(7).fill(200));
  });

  it.skipIf(redisDown !== null)(
    "in Redis too: two servers share the count of one /64, for guests and for logins",
    async () => {
      if (fx.dialect === "mysql") return;
      const client: Redis = await readyClient();
      const prefix = uniquePrefix(`addresses-${fx.dialect}`);
      const servers: TestServer[] = [];
      try {
        const options = {
          guestCreationLimit: FIVE,
          loginLimit: { max: 2, windowSeconds: 600 },
          tablePrefix: `addr_redis_${serial++}_`,
        };
        const first = await fx.open({
          secret: SECRET,
          ...options,
          limitStore: redisLimitStore({ client, prefix }),
        });
        const second = await fx.open({
          secret: SECRET,
          ...options,
          limitStore: redisLimitStore({ client, prefix }),
        });
        await first.createUser(convertForm("ada"));
        servers.push(await adapterServers.express(first, { trustProxy: 1 }));
        servers.push(await adapterServers.fastify(second, { trustProxy: 1 }));
        const made: boolean[] = [];
        for (const [i, address] of inOne64("1", 8).entries()) {
          made.push(...(await guestsFor(servers[i % 2] as TestServer, [address])));
        }
        expect(made).toEqual([true, true, true, true, true, false, false, false]);

        const throttled = [await SERVERS.hono(first), await SERVERS.express(second)];
        servers.push(...throttled);
        const statuses: number[] = [];
        for (const [i, address] of inOne64("2", 4).entries()) {
          statuses.push(...(await wrongLogins((throttled[i % 2] as TestServer).url, [address])));
        }
        expect(statuses).toEqual([200, 200, 429, 429]);
      } finally {
        for (const server of servers) await server.close();
        await dropPrefix(client, prefix);
        client.disconnect();
      }
    },
  );
});
