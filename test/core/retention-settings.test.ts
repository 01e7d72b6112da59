import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { resolveSettings } from "../../src/core/config/settings.ts";
import { guestExpiresAt } from "../../src/core/runtime/expiry.ts";
import { createGuestUsers, type GuestUsersOptions, type KeepIf } from "../../src/index.ts";

// The `retention` option checked at start-up (INVALID_CONFIG naming the field), its defaults,
// and guestExpiresAt's `kept` flag. The rule on the databases: retention.test.ts.

const DAY = 86_400;

describe("retention settings", () => {
  const keepIf: KeepIf = (userId) => sql`${userId} is not null`;

  it("keeps the reference's maxAge meaning without a rule", () => {
    expect(resolveSettings({}).retention).toEqual({
      maxAge: 14 * DAY,
      keepIf: null,
      maxAgeIfKept: null,
    });
    expect(resolveSettings({ maxAge: DAY }).retention).toMatchObject({ maxAge: DAY });
    const settings = resolveSettings({ retention: { maxAge: DAY, keepIf, maxAgeIfKept: 5 } });
    expect(settings.maxAge).toBe(DAY);
    expect(settings.retention).toEqual({ maxAge: DAY, keepIf, maxAgeIfKept: 5 });
  });

  const bad: readonly (readonly [string, unknown, string, Record<string, unknown>?])[] = [
    ["not an object", 5, "retention"],
    ["maxAge given twice", { maxAge: DAY }, "retention.maxAge", { maxAge: DAY }],
    ["maxAge zero", { maxAge: 0 }, "retention.maxAge"],
    ["maxAge not a number", { maxAge: "1d" }, "retention.maxAge"],
    ["keepIf a string", { keepIf: "exists (select 1)" }, "retention.keepIf"],
    ["maxAgeIfKept negative", { keepIf, maxAgeIfKept: -1 }, "retention.maxAgeIfKept"],
    [
      "maxAgeIfKept infinite",
      { keepIf, maxAgeIfKept: Number.POSITIVE_INFINITY },
      "retention.maxAgeIfKept",
    ],
  ];
  it.each(bad)("refuses %s with INVALID_CONFIG", (_, retention, field, extra) => {
    const options = { ...(extra ?? {}), retention } as GuestUsersOptions;
    let error: unknown;
    try {
      resolveSettings(options);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: "INVALID_CONFIG" });
    expect(String((error as Error).message)).toContain(field);
  });

  it("refuses a bad one-run maxAge override", async () => {
    // Checked before any query: the database is never reached.
    const gu = createGuestUsers({ database: "sqlite::memory:", retention: { keepIf } });
    try {
      await expect(gu.deleteExpired({ maxAge: 0 })).rejects.toMatchObject({
        code: "INVALID_CONFIG",
      });
      await expect(gu.stats({ maxAge: -5 })).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    } finally {
      await gu.close();
    }
  });

  it("guestExpiresAt: null (never) for a guest kept forever; `kept` means nothing without a rule", () => {
    const settings = resolveSettings({ retention: { keepIf } });
    expect(guestExpiresAt({ createdAt: 0, lastSeenAt: 0 }, settings, true)).toBeNull();
    expect(guestExpiresAt({ createdAt: 0, lastSeenAt: 0 }, settings, false)).toBe(14 * DAY * 1000);
    // Without a rule `kept` changes nothing.
    const plain = resolveSettings({});
    expect(guestExpiresAt({ createdAt: 0, lastSeenAt: 0 }, plain, true)).toBe(14 * DAY * 1000);
  });
});
