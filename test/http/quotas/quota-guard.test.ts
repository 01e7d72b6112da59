/**
 * The `quota()` guard over real HTTP on Express, Hono and Fastify, on every database (issue
 * 20): a guest gets 3 units, then 429 with `Retry-After` and an `upgradeUrl` (JSON) or the
 * page offering to convert (HTML); it converts and gets up to 10 in the same window, then 429
 * without `upgradeUrl`; the funnel counts it as converted after a quota. And two app instances
 * with memories of their own share one quota through Redis.
 */
import { describe, expect, it } from "vitest";
import type { GuestUsers } from "../../../src/index.ts";
import { redisLimitStore } from "../../../src/limits/redis.ts";
import { dropPrefix, readyClient, redisProblem, uniquePrefix } from "../../limits/redis-support.ts";
import type { TestServer } from "../../support/adapter-servers.ts";
import { type CookieJar, cookieHeader, storeSetCookies } from "../../support/cookies.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import { QUOTA_PATH, quotaApps } from "./quota-apps.ts";

const SECRET = "quota-guard-test-secret-0123456789abcdef";
const PASSWORD = "Zebra-Quantum-77!";
const HOUR = 3600;
const QUOTAS = {
  ai: { guest: { max: 3, windowSeconds: HOUR }, registered: { max: 10, windowSeconds: HOUR } },
};
const FRAMEWORKS = ["express", "hono", "fastify"] as const;
const redisDown = await redisProblem();

/**
 * A browser on `server`: JSON POSTs from its own origin, sent from its `/chat/` page; `jar`
 * may be another browser's (the same cookies, so the same user, on another server).
 */
function browser(server: TestServer, jar: CookieJar = new Map()) {
  const post = async (path: string, body: unknown = {}, accept = "application/json") => {
    const response = await fetch(`${server.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        accept,
        // A browser's form for HTML, else a JSON client.
        "content-type":
          accept === "text/html" ? "application/x-www-form-urlencoded" : "application/json",
        origin: server.url,
        referer: `${server.url}/chat/`,
        ...(jar.size > 0 && { cookie: cookieHeader(jar) }),
      },
      body: accept === "text/html" ? "" : JSON.stringify(body),
    });
    storeSetCookies(jar, response);
    return response;
  };
  return { jar, post };
}

async function spend(post: ReturnType<typeof browser>["post"], times: number) {
  const remaining: (number | null)[] = [];
  for (let i = 0; i < times; i++) {
    const response = await post(QUOTA_PATH);
    expect(response.status).toBe(200);
    remaining.push(((await response.json()) as { quota: { remaining: number } }).quota.remaining);
  }
  return remaining;
}

describeEachDatabase("the quota() guard over HTTP", (fx) => {
  for (const framework of FRAMEWORKS) {
    it(`${framework}: 3 for a guest, 429 with upgradeUrl, converts, up to 10 in the same window`, async () => {
      const gu: GuestUsers = await fx.open({
        secret: SECRET,
        quotas: QUOTAS,
        tablePrefix: `qg_${framework}_${Math.random().toString(36).slice(2, 7)}_`,
      });
      const server = await quotaApps[framework](gu);
      try {
        const { post, jar } = browser(server);
        expect(await spend(post, 3)).toEqual([2, 1, 0]);
        expect(jar.has("guest_user_session")).toBe(true);

        const refused = await post(QUOTA_PATH);
        expect(refused.status).toBe(429);
        const retryAfter = Number(refused.headers.get("retry-after"));
        expect(retryAfter).toBeGreaterThan(HOUR - 60);
        expect(retryAfter).toBeLessThanOrEqual(HOUR);
        const body = (await refused.json()) as { quota: { resetAt: string } };
        expect(body).toEqual({
          error: { code: "QUOTA_EXCEEDED", message: expect.stringContaining("create an account") },
          quota: { name: "ai", limit: 3, remaining: 0, resetAt: expect.any(String) },
          upgradeUrl: "/convert/?next=/chat/",
        });
        const resetAt = Date.parse(body.quota.resetAt);
        expect(Math.abs(resetAt - (Date.now() + retryAfter * 1000))).toBeLessThan(5000);

        const page = await post(QUOTA_PATH, {}, "text/html");
        expect(page.status).toBe(429);
        expect(page.headers.get("content-type")).toMatch(/^text\/html/);
        const html = await page.text();
        expect(html).toContain("Limit reached");
        expect(html).toContain('href="/convert/?next=/chat/"');

        const username = `quota_${framework}_${Date.now()}`;
        const converted = await post("/convert/", {
          username,
          password1: PASSWORD,
          password2: PASSWORD,
        });
        expect(converted.status).toBe(200);

        expect(await spend(post, 7)).toEqual([6, 5, 4, 3, 2, 1, 0]);
        const done = await post(QUOTA_PATH);
        expect(done.status).toBe(429);
        expect(await done.json()).toMatchObject({
          quota: { name: "ai", limit: 10, remaining: 0, resetAt: body.quota.resetAt },
          upgradeUrl: null,
        });
        expect((await gu.funnel({ days: 1 })).totals).toMatchObject({
          converted: 1,
          convertedAfterQuota: 1,
        });
      } finally {
        await server.close();
        await gu.close();
      }
    });
  }

  describe.skipIf(redisDown !== null)("two app instances on one Redis", () => {
    it("share a guest's quota (each with its own memory)", async () => {
      const prefix = uniquePrefix("quota-guard");
      const tablePrefix = `qr_${Math.random().toString(36).slice(2, 7)}_`;
      const clients = [await readyClient(), await readyClient()];
      const instances = await Promise.all(
        clients.map((client) =>
          fx.open({
            secret: SECRET,
            quotas: QUOTAS,
            tablePrefix,
            limitStore: redisLimitStore({ client, prefix }),
          }),
        ),
      );
      const [one, two] = await Promise.all([
        quotaApps.express(instances[0] as GuestUsers),
        quotaApps.hono(instances[1] as GuestUsers),
      ]);
      try {
        const a = browser(one);
        const b = browser(two, a.jar);
        expect(await spend(a.post, 2)).toEqual([2, 1]);
        expect(await spend(b.post, 1)).toEqual([0]);
        expect((await b.post(QUOTA_PATH)).status).toBe(429);
        expect((await a.post(QUOTA_PATH)).status).toBe(429);
        // The count lives in Redis under the test's prefix.
        expect(await clients[0]?.keys(`${prefix}quota:ai:*`)).toHaveLength(1);
      } finally {
        await one.close();
        await two.close();
        for (const gu of instances) await gu.close();
        await dropPrefix(clients[0] as never, prefix);
        for (const client of clients) client.disconnect();
      }
    });
  });
});
