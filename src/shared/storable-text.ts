import { InvalidInputError, type InvalidInputReason } from "./errors.ts";

/**
 * The one rule for text that goes to the database, whichever it is: no NUL character
 * (PostgreSQL refuses it in text and JSON, answering a driver error), no lone UTF-16
 * surrogate (every driver encodes it as U+FFFD, so another value would be stored or looked
 * up), and, where a column's size is known, no more characters (code points, as the
 * databases count them) than it holds. Checked before any query, so such a value is a
 * 400 `INVALID_INPUT` on every database instead of a 500 on one and a 400 on the others.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What keeps `value` from the database, or null when it may go: `nul`, `lone-surrogate`, or
 * `too-long` (more than `maxLength` code points).
 *
 * @example
 * ```ts
 * textProblem("a\u0000b"); // "nul"
 * textProblem("\uD800"); // "lone-surrogate"
 * textProblem("Ada", 2); // "too-long"
 * textProblem("Ada"); // null
 * ```
 */
export function textProblem(value: string, maxLength?: number): InvalidInputReason | null {
  const match = UNSTORABLE.exec(value);
  if (match) return match[0] === "\u0000" ? "nul" : "lone-surrogate";
  if (maxLength === undefined || value.length <= maxLength) return null;
  let codePoints = 0;
  for (const _ of value) if (++codePoints > maxLength) return "too-long";
  return null;
}

/**
 * Throws {@link InvalidInputError} naming `field` when `value` is a string that
 * {@link textProblem} refuses; anything else passes (the caller's own checks judge it).
 */
export function checkText(field: string, value: unknown, maxLength?: number): void {
  if (typeof value !== "string") return;
  const problem = textProblem(value, maxLength);
  if (problem) throw new InvalidInputError(field, problem, maxLength);
}

/**
 * Checks every text field at the top of a form's input (a plain object, or anything with
 * `entries()`: FormData, URLSearchParams, Map), before the form validates it: a form whose
 * rules allow any character still never hands the database a NUL. Other inputs pass.
 *
 * @example
 * ```ts
 * checkFormText({ username: "a\u0000b" }); // throws INVALID_INPUT for `username`
 * ```
 */
export function checkFormText(input: unknown): void {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return;
  const entries: unknown = (input as { entries?: unknown }).entries;
  const pairs: Iterable<[unknown, unknown]> =
    typeof entries === "function" && !Object.hasOwn(input, "entries")
      ? (entries as () => Iterable<[unknown, unknown]>).call(input)
      : Object.entries(input);
  for (const [field, value] of pairs) checkText(String(field), value);
}

/**
 * Checks every string (keys included) of JSON data that will be stored, such as a guest's
 * `data`: PostgreSQL's `jsonb` refuses `\u0000` and a lone surrogate's escape.
 *
 * @example
 * ```ts
 * checkJsonText("data", { note: "a\u0000b" }); // throws INVALID_INPUT for `data`
 * ```
 */
export function checkJsonText(field: string, data: unknown): void {
  const pending: unknown[] = [data];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") checkText(field, value);
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    for (const [key, item] of Object.entries(value)) {
      if (!Array.isArray(value)) checkText(field, key);
      pending.push(item);
    }
  }
}
