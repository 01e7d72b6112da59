import { expect, it } from "vitest";
import { describeEachDatabase } from "../support/guest-users.ts";

describeEachDatabase('the "numbered" generator in a crowded space', (fx) => {
  it("creates 200 guests with one-digit names without a single failure", async () => {
    const gu = await fx.open({ nameGenerator: "numbered", nameSuffixDigits: 1 });
    const created = await Promise.allSettled(
      Array.from({ length: 200 }, () => gu.createGuestSession()),
    );
    const failed = created.filter((r) => r.status === "rejected");
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const names = created.map((r) => (r.status === "fulfilled" ? r.value.user.username : ""));
    expect(new Set(names).size).toBe(200);
    // All ten one-digit names are used up, the rest widened (or, past the attempts, a UUID).
    expect(names.filter((name) => /^Guest\d$/.test(name))).toHaveLength(10);
    for (const name of names) expect(name).toMatch(/^(Guest\d{1,9}|[0-9a-f]{32})$/);
    expect(await gu.stats()).toMatchObject({ guests: 200 });
  });
});
