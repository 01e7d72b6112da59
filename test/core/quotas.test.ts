/**
 * Quotas by user type (issue 20), in the core: `consumeQuota` / `quotaStatus` on each
 * database, the memory and the Redis limit store (atomic: parallel consumes of the last units
 * never all pass), a conversion keeping the count under the registered limit, the funnel's
 * `convertedAfterQuota`, the `quota.exceeded` metric, and the option's checks.
 */
import { describe, expect, it } from "vitest";
import { createGuestUsers, type GuestUserError } from "../../src/index.ts";
import { memoryLimitStore } from "../../src/limits/memory.ts";
import { redisLimitStore } from "../../src/limits/redis.ts";
import type { LimitStore } from "../../src/limits/types.ts";
import { dropPrefix, readyClient, redisProblem, uniquePrefix } from "../limits/redis-support.ts";
import { testMeter } from "../metrics/meter.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const HOUR = 3600;
const AI = { guest: { max: 3, windowSeconds: HOUR }, registered: { max: 10, windowSeconds: HOUR } };
const redisDown = await redisProblem();

describeEachDatabase("quotas", (fx) => {
  it("counts a guest to 3, keeps the count when it converts, then holds it to 10", async () => {
    const clock = testClock(Date.UTC(2026, 4, 1, 12));
    const otel = testMeter();
    const gu = await fx.open({
      tablePrefix: `q${Math.random().toString(36).slice(2, 7)}_`,
      clock: clock.now,
      quotas: { ai: AI },
      metrics: otel.meter,
    });
    const guest = await gu.createGuestUser();
    expect(await gu.quotaStatus(guest, "ai")).toMatchObject({
      allowed: true,
      limit: 3,
      remaining: 3,
      resetAt: null,
    });
    const spent = [];
    for (let i = 0; i < 3; i++) spent.push(await gu.consumeQuota(guest, "ai"));
    expect(spent.map((s) => s.remaining)).toEqual([2, 1, 0]);
    const resetAt = new Date(clock.now() + HOUR * 1000).toISOString();
    expect(spent[2]).toMatchObject({ kind: "guest", allowed: true, limit: 3, resetAt });
    const refused = await gu.consumeQuota(guest, "ai");
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetAt });
    expect(refused.retryAfterSeconds).toBe(HOUR);
    expect(await otel.count("guest_user.quota.exceeded", { quota: "ai", kind: "guest" })).toBe(1);

    clock.advance(60);
    const user = await gu.convert(guest, {
      username: `q${Date.now()}`,
      password1: PASSWORD,
      password2: PASSWORD,
    });
    const after = [];
    for (let i = 0; i < 8; i++) after.push(await gu.consumeQuota(user, "ai"));
    expect(after.map((s) => s.allowed)).toEqual([true, true, true, true, true, true, true, false]);
    expect(after[6]).toMatchObject({ kind: "registered", limit: 10, remaining: 0 });
    // The window opened by the guest's first unit, not by the conversion.
    expect(after[7]?.resetAt).toBe(resetAt);
    expect(await otel.count("guest_user.quota.exceeded", { quota: "ai", kind: "registered" })).toBe(
      1,
    );

    const { totals } = await gu.funnel({ days: 1 });
    expect(totals).toMatchObject({ created: 1, converted: 1, convertedAfterQuota: 1 });
    // A guest that never hit a quota converts without counting there.
    const other = await gu.createGuestUser();
    await gu.consumeQuota(other, "ai");
    await gu.convert(other, {
      username: `r${Date.now()}`,
      password1: PASSWORD,
      password2: PASSWORD,
    });
    expect((await gu.funnel({ days: 1 })).totals).toMatchObject({
      converted: 2,
      convertedAfterQuota: 1,
    });

    clock.advance(HOUR);
    expect(await gu.consumeQuota(user, "ai", 10)).toMatchObject({ allowed: true, remaining: 0 });
  });
});

describe("quota counting in the limit stores", () => {
  const stores: [string, () => Promise<{ store: LimitStore; done(): Promise<void> }>][] = [
    ["memory", async () => ({ store: memoryLimitStore(), done: async () => {} })],
  ];
  if (redisDown === null) {
    stores.push([
      "redis",
      async () => {
        const client = await readyClient();
        const prefix = uniquePrefix("quota");
        return {
          store: redisLimitStore({ client, prefix }),
          async done() {
            await dropPrefix(client, prefix);
            client.disconnect();
          },
        };
      },
    ]);
  }
  it.each(stores)("%s: 50 parallel consumes of 7 units: exactly 7 pass", async (_name, open) => {
    const { store, done } = await open();
    try {
      const gu = createGuestUsers({
        database: "sqlite::memory:",
        limitStore: store,
        quotas: { ai: AI },
      });
      const user = { id: 42, isGuest: false };
      const limit = { max: 7, windowSeconds: HOUR };
      const verdicts = await Promise.all(
        Array.from({ length: 50 }, () => store.consume?.("quota:ai:42", 1, limit)),
      );
      expect(verdicts.filter((v) => v?.allowed)).toHaveLength(7);
      // A refusal counts nothing: after 7, an amount of 3 on a max of 10 still passes.
      expect(
        await store.consume?.("quota:ai:42", 3, { max: 10, windowSeconds: HOUR }),
      ).toMatchObject({
        allowed: true,
        used: 10,
      });
      expect((await gu.quotaStatus(user, "ai")).remaining).toBe(0);
      await gu.close();
    } finally {
      await done();
    }
  });
});

describe("the quotas option", () => {
  const open = (quotas: unknown) =>
    createGuestUsers({ database: "sqlite::memory:", quotas: quotas as never });
  const refusal = (quotas: unknown) => {
    try {
      open(quotas);
    } catch (error) {
      return error as GuestUserError & { option: string };
    }
    throw new Error("accepted");
  };

  it("names what is wrong", () => {
    expect(
      refusal({ ai: { guest: { max: 0, windowSeconds: 60 }, registered: null } }),
    ).toMatchObject({
      code: "INVALID_CONFIG",
      option: "quotas.ai.guest.max",
    });
    expect(refusal({ ai: { guest: { max: 3, windowSeconds: 60 } } }).option).toBe(
      "quotas.ai.registered",
    );
    expect(
      refusal({ "a b": { guest: { max: 3, windowSeconds: 60 }, registered: null } }).message,
    ).toMatch(/quota names of letters/);
    expect(
      refusal({ ai: { guest: { max: 3, windowSecond: 60 }, registered: null } }).message,
    ).toMatch(/did you mean `quotas.ai.guest.windowSeconds`/);
    expect(refusal([]).option).toBe("quotas");
  });

  it("takes registered: null as unlimited, and refuses an unknown name", async () => {
    const gu = open({ ai: { guest: { max: 1, windowSeconds: 60 }, registered: null } });
    const user = { id: 7, isGuest: false };
    for (let i = 0; i < 5; i++) {
      expect(await gu.consumeQuota(user, "ai", 100)).toMatchObject({
        allowed: true,
        limit: null,
        remaining: null,
      });
    }
    await expect(gu.consumeQuota(user, "chat")).rejects.toMatchObject({
      code: "INVALID_CONFIG",
      message: expect.stringContaining('no quota named "chat"'),
    });
    await gu.close();
  });
});
