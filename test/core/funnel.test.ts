import { expect, it } from "vitest";
import type { GuestUsers } from "../../src/index.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";

const PASSWORD = "Zebra-Quantum-77!";
const DAY = 86_400;
const person = (username: string) => ({ username, password1: PASSWORD, password2: PASSWORD });
const zero = { created: 0, converted: 0, merged: 0, deleted: 0, convertedAfterQuota: 0 };

let prefixes = 0;
const freshPrefix = () => `fn${++prefixes}_`;

/** The days of the funnel that had events, without the zero days. */
async function busyDays(gu: GuestUsers, days = 30) {
  const funnel = await gu.funnel({ days });
  return funnel.days.filter((d) => d.created + d.converted + d.merged + d.deleted > 0);
}

describeEachDatabase("the conversion funnel", (fx) => {
  it("lists every day of the window, oldest first, zeros included, ending today", async () => {
    const clock = testClock(Date.UTC(2026, 2, 10, 15, 30));
    const gu = await fx.open({ tablePrefix: freshPrefix(), clock: clock.now });

    const funnel = await gu.funnel();

    expect(funnel.days).toHaveLength(30);
    expect(funnel.days[0]).toEqual({ day: "2026-02-09", ...zero });
    expect(funnel.days.at(-1)).toEqual({ day: "2026-03-10", ...zero });
    const dates = funnel.days.map((d) => Date.parse(d.day));
    for (let i = 1; i < dates.length; i++) expect(dates[i]).toBe((dates[i - 1] ?? 0) + DAY * 1000);
    // No guest created: the rate is 0, not NaN.
    expect(funnel.totals).toEqual({ ...zero, conversionRate: 0 });
    expect((await gu.funnel({ days: 1 })).days).toEqual([{ day: "2026-03-10", ...zero }]);
  });

  it("counts exactly what happened each day: created, converted, merged, deleted", async () => {
    const clock = testClock(Date.UTC(2026, 0, 1, 12));
    const gu = await fx.open({ tablePrefix: freshPrefix(), clock: clock.now, maxAge: 3 * DAY });
    gu.on("merged", () => {});
    const member = await gu.createUser(person("member"));

    // Day 1: five guests; one converts, one logs in to an account (merged).
    const first = await Promise.all([1, 2, 3, 4, 5].map(() => gu.createGuestUser()));
    await gu.convert(first[0]?.id ?? 0, person("converted_one"));
    expect(await gu.mergeGuest(first[1] as never, member)).toBe(true);
    // A failed conversion counts nothing.
    await expect(gu.convert(first[0]?.id ?? 0, person("again"))).rejects.toMatchObject({
      code: "NOT_GUEST",
    });
    // Day 2: three more guests, one converts.
    clock.advance(DAY);
    const second = await Promise.all([1, 2, 3].map(() => gu.createGuestUser()));
    await gu.convert(second[2]?.id ?? 0, person("converted_two"));
    // Day 6: clean-up deletes the day-1 and day-2 guests still guests (3 + 2), in batches.
    clock.advance(4 * DAY);
    expect((await gu.deleteExpired({ batchSize: 2 })).deleted).toBe(5);
    // Nothing left to delete: a second run counts nothing.
    expect((await gu.deleteExpired()).deleted).toBe(0);

    expect(await busyDays(gu)).toEqual([
      {
        day: "2026-01-01",
        created: 5,
        converted: 1,
        merged: 1,
        deleted: 0,
        convertedAfterQuota: 0,
      },
      {
        day: "2026-01-02",
        created: 3,
        converted: 1,
        merged: 0,
        deleted: 0,
        convertedAfterQuota: 0,
      },
      {
        day: "2026-01-06",
        created: 0,
        converted: 0,
        merged: 0,
        deleted: 5,
        convertedAfterQuota: 0,
      },
    ]);
    const { totals } = await gu.funnel();
    expect(totals).toEqual({
      created: 8,
      converted: 2,
      merged: 1,
      deleted: 5,
      convertedAfterQuota: 0,
      conversionRate: 3 / 8,
    });
    // A window that starts after day 1 leaves it out.
    expect((await gu.funnel({ days: 5 })).totals).toMatchObject({ created: 3, deleted: 5 });
  });

  it("counts deletions exactly when several cleaners share the work", async () => {
    const clock = testClock();
    const options = { tablePrefix: freshPrefix(), clock: clock.now, maxAge: DAY };
    const cleaners: GuestUsers[] = [];
    for (let i = 0; i < 3; i++) cleaners.push(await fx.open(options));
    const [first] = cleaners as [GuestUsers];
    await Promise.all(Array.from({ length: 45 }, () => first.createGuestUser()));
    clock.advance(2 * DAY);

    const results = await Promise.all(cleaners.map((gu) => gu.deleteExpired({ batchSize: 4 })));

    expect(results.reduce((sum, r) => sum + r.deleted, 0)).toBe(45);
    expect((await first.funnel()).totals).toMatchObject({ created: 45, deleted: 45 });
  });

  it("refuses a days value that is not a whole number from 1 to 3660", async () => {
    const gu = await fx.open({ tablePrefix: freshPrefix() });
    for (const days of [0, -1, 1.5, 3661, Number.NaN]) {
      await expect(gu.funnel({ days }), String(days)).rejects.toMatchObject({
        code: "INVALID_CONFIG",
        option: "days",
      });
    }
    expect((await gu.funnel({ days: 3660 })).days).toHaveLength(3660);
  });
});
