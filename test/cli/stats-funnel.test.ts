import { expect, it } from "vitest";
import { dayOf } from "../../src/store/funnel-store.ts";
import { describeEachDatabase } from "../support/guest-users.ts";
import { cli } from "./support.ts";

const PASSWORD = "correct-horse-9";

describeEachDatabase("cli stats: the funnel", (fx) => {
  const db = () => ["--database", fx.database().url];

  it("prints the funnel of the last 30 days, as text and in --json, beside the counts", async () => {
    const prefix = "funnel_cli_";
    const args = [...db(), "--table-prefix", prefix];
    // Guests made a minute ago, so that `--max-age 30` finds them expired.
    const made = Date.now() - 60_000;
    const gu = await fx.open({ tablePrefix: prefix, clock: () => made });
    const guests = [];
    for (let i = 0; i < 4; i++) guests.push(await gu.createGuestUser());
    await gu.convert(guests[0]?.id ?? 0, {
      username: "kept_work",
      password1: PASSWORD,
      password2: PASSWORD,
    });
    await gu.createUser({ username: "member", password1: PASSWORD, password2: PASSWORD });

    const before = JSON.parse((await cli(["stats", ...args, "--json"])).stdout);
    expect(before).toMatchObject({ guests: 3, expired: 0 });
    expect(Object.keys(before)).toEqual(["guests", "expired", "kept", "funnel"]);
    expect(before.funnel.days).toHaveLength(30);
    expect(before.funnel.days.at(-1).day).toBe(dayOf(Date.now()));
    expect(before.funnel.days.find((d: { day: string }) => d.day === dayOf(made))).toEqual({
      day: dayOf(made),
      created: 4,
      converted: 1,
      merged: 0,
      deleted: 0,
      convertedAfterQuota: 0,
    });
    expect(before.funnel.totals).toEqual({
      created: 4,
      converted: 1,
      merged: 0,
      deleted: 0,
      convertedAfterQuota: 0,
      conversionRate: 0.25,
    });

    // The CLI's clean-up counts its deletions in the funnel too.
    expect((await cli(["delete-expired", ...args, "--max-age", "30"])).stdout).toBe(
      "Deleted 3 expired guests (and 0 expired sessions).\n",
    );
    const after = JSON.parse((await cli(["stats", ...args, "--json"])).stdout);
    expect(after).toMatchObject({ guests: 0, expired: 0 });
    expect(after.funnel.totals).toMatchObject({ created: 4, deleted: 3 });

    const text = (await cli(["stats", ...args])).stdout;
    expect(text).toContain("Guests: 0\nExpired: 0\n\nFunnel, last 30 days (UTC):\n");
    expect(text).toMatch(/ {2}day {9}created {2}converted {2}merged {2}deleted\n/);
    expect(text).toMatch(/ {2}total {13}4 {10}1 {7}0 {8}3\n/);
    expect(text).toContain("Conversion rate: 25.0% ((converted + merged) / created)\n");
    // Days without events are left out of the text.
    expect(text.split("\n").filter((line) => /^ {2}\d{4}-/.test(line)).length).toBeLessThanOrEqual(
      2,
    );
  });

  it("says so when nothing happened in the window", async () => {
    const prefix = "funnel_empty_";
    await fx.open({ tablePrefix: prefix });
    const result = await cli(["stats", ...db(), "--table-prefix", prefix]);
    expect(result).toEqual({
      code: 0,
      stdout:
        "Guests: 0\nExpired: 0\n\nFunnel, last 30 days (UTC): no guest created, converted, merged or deleted.\n",
      stderr: "",
    });
  });
});
