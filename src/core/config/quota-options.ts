import * as v from "valibot";
import type { RateLimit } from "../../limits/types.ts";
import { accepted, type EntriesOf, optionBag } from "../../shared/option-schema.ts";
import { positiveInteger, seconds } from "../../shared/option-values.ts";

/**
 * One quota: how many units (AI messages, exports, notes...) a user may spend every
 * `windowSeconds`, by user type. Counted per user id in the `limitStore`, so a guest who
 * converts keeps its count and window and is held to the `registered` limit from its next
 * request.
 *
 * @example
 * ```ts
 * const ai: QuotaRule = {
 *   guest: { max: 3, windowSeconds: 86_400 },
 *   registered: { max: 100, windowSeconds: 86_400 },
 * };
 * ```
 */
export interface QuotaRule {
  /** Units a guest may spend per window. */
  readonly guest: RateLimit;
  /** Units a registered user may spend per window; `null`: unlimited. */
  readonly registered: RateLimit | null;
}

/** The `quotas` option: quota names (letters, digits, `_`, `-`, `.`) and their rules. */
export type QuotaOptions = Readonly<Record<string, QuotaRule>>;

/** A quota name: it goes into limit-store keys, metric attributes and URLs. */
export const QUOTA_NAME = /^[\w.-]{1,64}$/;

const LIMIT = optionBag({
  max: positiveInteger,
  windowSeconds: seconds,
} satisfies EntriesOf<RateLimit>);

const RULE = optionBag({
  guest: LIMIT,
  registered: v.nullable(LIMIT),
} satisfies EntriesOf<QuotaRule>);

/** The `quotas` option's schema: every name checked, every rule checked under its name. */
export const QUOTA_OPTIONS = v.pipe(
  accepted<Record<string, unknown>>(
    (value) => typeof value === "object" && value !== null && !Array.isArray(value),
    "{ [name]: { guest: { max, windowSeconds }, registered: { max, windowSeconds } | null } }",
  ),
  v.check(
    (quotas) => Object.keys(quotas).every((name) => QUOTA_NAME.test(name)),
    (issue) =>
      `expected quota names of letters, digits, "_", "-" or "." (at most 64), got ${JSON.stringify(Object.keys(issue.input).find((name) => !QUOTA_NAME.test(name)))}`,
  ),
  v.record(v.string(), RULE),
);
