import { sql } from "kysely";
import { expect, it } from "vitest";
import { resolveSettings } from "../../../src/core/config/settings.ts";
import { expiryRuleOf, expiryText } from "../../../src/http/admin/page-fragments.ts";

const keepIf = (userId: unknown) =>
  sql`exists (select 1 from notes where notes.user_id = ${userId})`;

it("the admin says how long guests live, without a retention rule as in the reference", () => {
  const settings = resolveSettings({ maxAge: 14 * 86_400 });
  expect(expiryText(expiryRuleOf(settings))).toBe(
    "older than 14 days, counted from their creation",
  );
});

it("the admin names what the retention rule keeps, for a while or for good", () => {
  const forAWhile = resolveSettings({
    expireBy: "lastSeenAt",
    retention: { maxAge: 7 * 86_400, keepIf, maxAgeIfKept: 90 * 86_400 },
  });
  expect(expiryText(expiryRuleOf(forAWhile))).toBe(
    "older than 7 days (90 days for the guests the retention rule keeps), counted from their last visit",
  );
  const forGood = resolveSettings({ retention: { keepIf } });
  expect(expiryText(expiryRuleOf(forGood))).toBe(
    "older than 14 days (except the guests the retention rule keeps), counted from their creation",
  );
});
