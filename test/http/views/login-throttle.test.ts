import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GuestUsersOptions } from "../../../src/index.ts";
import { redisLimitStore } from "../../../src/limits/redis.ts";
import { dropPrefix, readyClient, redisProblem, uniquePrefix } from "../../limits/redis-support.ts";
import { describeEachDatabase, testClock } from "../../support/guest-users.ts";
import { convertForm, PASSWORD, SECRET } from "./client.ts";
import { SERVERS, type StartServer, visitor } from "./throttle-servers.ts";

const A = "203.0.113.9";
const B = "198.51.100.7";
const redisDown = await redisProblem();

/** Statuses of `count` wrong-password logins of `username`. */
async function wrongLogins(client: ReturnType<typeof visitor>, username: string, count: number) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await client.login(username, `wrong-${i}`);
    statuses.push(response.status);
    await response.body?.cancel();
  }
  return statuses;
}

describeEachDatabase("login throttling over HTTP", (fx) => {
  let serial = 0;
  const open = async (options: GuestUsersOptions = {}) => {
    const gu = await fx.open({ secret: SECRET, tablePrefix: `thr${serial++}_`, ...options });
    await gu.createUser(convertForm("ada"));
    return gu;
  };
  const withServer = async (
    start: StartServer,
    options: GuestUsersOptions,
    body: (url: string) => Promise<void>,
  ) => {
    const server = await start(await open(options));
    try {
      await body(server.url);
    } finally {
      await server.close();
    }
  };

  for (const [name, start] of Object.entries(SERVERS)) {
    it(`refuses the right password after 10 failures until the window ends (${name})`, async () => {
      if (fx.dialect === "mysql") return;
      const clock = testClock();
      await withServer(start, { clock: clock.now }, async (url) => {
        const a = visitor(url, A);
        const statuses = await wrongLogins(a, "ada", 40);
        expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200)); // the form with its error
        expect(statuses.slice(10)).toEqual(Array(30).fill(429));
        const refused = await a.login("ada", PASSWORD);
        expect(refused.status).toBe(429);
        expect(refused.headers.get("retry-after")).toBe("900");
        expect(refused.headers.get("content-type")).toMatch(/^text\/html/);
        expect(await refused.text()).toContain("Too many attempts");
        // Another address: its own count for ada.
        expect((await visitor(url, B).login("ada", PASSWORD)).status).toBe(302);
        clock.advance(600);
        expect((await a.login("ada", PASSWORD)).headers.get("retry-after")).toBe("300");
        clock.advance(301);
        const after = await a.login("ada", PASSWORD);
        expect(after.status).toBe(302);
        expect(after.headers.get("location")).toBe("/accounts/profile/");
      });
    });

    it(`throttles bearer-token logins the same way, in JSON (${name})`, async () => {
      if (fx.dialect === "mysql") return;
      await withServer(start, { clock: testClock().now }, async (url) => {
        const a = visitor(url, A);
        for (let i = 0; i < 10; i++) {
          const wrong = await a.bearer("/accounts/login/", { username: "ADA", password: "nope" });
          expect(wrong.status).toBe(400);
        }
        const right = await a.bearer("/accounts/login/", { username: "ada", password: PASSWORD });
        expect(right.status).toBe(429);
        expect(right.headers.get("retry-after")).toBe("900");
        const body = await right.json();
        expect(body).toEqual({
          error: {
            code: "TOO_MANY_REQUESTS",
            message: "Too many attempts. Please try again in 15 minutes.",
          },
        });
        // The same answer for a username that does not exist.
        for (let i = 0; i < 10; i++)
          await a.bearer("/accounts/login/", { username: "nobody", password: "x" });
        const unknown = await a.bearer("/accounts/login/", { username: "nobody", password: "x" });
        expect(unknown.status).toBe(429);
        expect(unknown.headers.get("retry-after")).toBe("900");
        expect(await unknown.json()).toEqual(body);
        const other = await visitor(url, B).bearer("/accounts/login/", {
          username: "ada",
          password: PASSWORD,
        });
        expect(other.status).toBe(200);
        expect((await other.json()).token).toEqual(expect.any(String));
      });
    });
  }

  it("a successful login clears the username's failures; the address alone may fail 5 × max", async () => {
    if (fx.dialect === "mysql") return;
    await withServer(SERVERS.express, { clock: testClock().now }, async (url) => {
      const a = visitor(url, A);
      expect(await wrongLogins(a, "ada", 9)).toEqual(Array(9).fill(200));
      expect((await a.login("ada", PASSWORD)).status).toBe(302);
      expect(await wrongLogins(a, "ada", 11)).toEqual([...Array(10).fill(200), 429]);
      // 19 failures in the address's count so far (the refused attempt is not one): 31 more
      // over other usernames, then the address is refused, for every username.
      const c = visitor(url, A);
      for (let i = 0; i < 31; i++) expect(await wrongLogins(c, `user${i}`, 1)).toEqual([200]);
      expect((await c.login("someone", "x")).status).toBe(429);
      const b = visitor(url, B);
      expect((await b.login("ada", PASSWORD)).status).toBe(302);
    });
  });

  it("limits sign-ups per address, every POST counted", async () => {
    if (fx.dialect === "mysql") return;
    const loginLimit = { max: 2, windowSeconds: 60 };
    await withServer(SERVERS.fastify, { clock: testClock().now, loginLimit }, async (url) => {
      const a = visitor(url, A);
      for (let i = 0; i < 10; i++) {
        const made = await a.bearer("/accounts/signup/", convertForm(`new${i}`));
        expect(made.status).toBe(200);
      }
      const refused = await a.bearer("/accounts/signup/", convertForm("one-more"));
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("60");
      expect(
        (await visitor(url, B).bearer("/accounts/signup/", convertForm("elsewhere"))).status,
      ).toBe(200);
    });
  });

  it("counts failed conversions per username and address", async () => {
    if (fx.dialect === "mysql") return;
    const clock = testClock();
    const loginLimit = { max: 2, windowSeconds: 60 };
    const gu = await open({ clock: clock.now, loginLimit });
    const server = await SERVERS.hono(gu);
    try {
      const { session } = await gu.createGuestSession();
      const a = visitor(server.url, A);
      const taken = await a.bearer("/convert/", convertForm("Ada"), session.token);
      expect(taken.status).toBe(400);
      expect((await a.bearer("/convert/", convertForm("ada", "short"), session.token)).status).toBe(
        400,
      );
      const refused = await a.bearer(
        "/convert/",
        convertForm("ada", "fine-Passw0rd!"),
        session.token,
      );
      expect(refused.status).toBe(429);
      const other = await a.bearer("/convert/", convertForm("grace"), session.token);
      expect(other.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  describe.skipIf(redisDown !== null)("with a Redis store", () => {
    let client: Redis;
    const prefix = uniquePrefix("http");
    beforeAll(async () => {
      client = await readyClient();
    });
    afterAll(async () => {
      await dropPrefix(client, prefix);
      client.disconnect();
    });

    it("two servers share one count", async () => {
      if (fx.dialect === "mysql") return;
      const shared = `${prefix}${serial}:`;
      const limitStore = () => redisLimitStore({ client, prefix: shared });
      const gu = await open({ limitStore: limitStore() });
      const first = await SERVERS.express(gu);
      const second = await SERVERS.fastify(
        await fx.open({
          secret: SECRET,
          tablePrefix: `thr${serial - 1}_`,
          limitStore: limitStore(),
        }),
      );
      try {
        expect(await wrongLogins(visitor(first.url, A), "ada", 6)).toEqual(Array(6).fill(200));
        expect(await wrongLogins(visitor(second.url, A), "ada", 5)).toEqual([
          200, 200, 200, 200, 429,
        ]);
        const refused = await visitor(first.url, A).login("ada", PASSWORD);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(890);
        expect((await visitor(second.url, B).login("ada", PASSWORD)).status).toBe(302);
      } finally {
        await first.close();
        await second.close();
      }
    });
  });
});
