import { randomInt } from "node:crypto";
import * as v from "valibot";
import { type EntriesOf, optionBag, parseOptions } from "../../../shared/option-schema.ts";
import { text, wholeNumber } from "../../../shared/option-values.ts";
import { attemptOf, cutToMaxLength, type NameGenerator } from "./name-generator.ts";

/** The largest `digits` value: `10 ** digits` must stay below `randomInt`'s 2^48 range. */
const MAX_DIGITS = 14;

/** Options of {@link numberedNameGenerator}: the reference's `NAME_PREFIX` and `NAME_SUFFIX_DIGITS`. */
export interface NumberedNameOptions {
  /**
   * Text put before the number.
   * @default "Guest"
   * @example "Visitor"
   */
  readonly prefix?: string;
  /**
   * How many digits the zero-padded random number has (1 to 14).
   * @default 4
   * @example 6
   */
  readonly digits?: number;
}

const NUMBERED_NAME_OPTIONS = optionBag({
  prefix: v.optional(text, "Guest"),
  digits: v.optional(wholeNumber(1, MAX_DIGITS), 4),
} satisfies EntriesOf<NumberedNameOptions>);

/**
 * How many digits the number has on a given attempt: `digits` for the first two names of a
 * guest, then one more for each further attempt (at most 14), so a crowded space (say every
 * `Guest0000` to `Guest9999` taken) is left after two clashes instead of failing.
 */
export function digitsForAttempt(digits: number, attempt: number): number {
  return Math.min(MAX_DIGITS, digits + Math.max(0, Math.floor(attempt) - 2));
}

/**
 * Makes a generator of names like `Guest0588`: the prefix plus a uniformly random number
 * from 0 to `10 ** digits - 1`, zero-padded to `digits` digits, cut to the column's
 * maximum length. Throws `InvalidConfigError` (`INVALID_CONFIG`) for a bad prefix or digit
 * count.
 *
 * The space widens on later attempts (`digitsForAttempt()`): after two clashes the
 * number gets one more digit per attempt (`Guest05881`, `Guest058817`...). A widened name
 * that would not fit `maxLength` loses letters of its prefix rather than digits.
 *
 * @example
 * ```ts
 * const generate = numberedNameGenerator({ prefix: "Guest", digits: 4 });
 * generate({ maxLength: 150 }); // "Guest0588"
 * generate({ maxLength: 150, attempt: 3 }); // "Guest27415"
 * ```
 */
export function numberedNameGenerator(options: NumberedNameOptions = {}): NameGenerator {
  const { prefix, digits } = parseOptions(
    NUMBERED_NAME_OPTIONS,
    options,
    "numberedNameGenerator()",
  );
  return (context) => {
    const width = digitsForAttempt(digits, attemptOf(context));
    const number = String(randomInt(0, 10 ** width)).padStart(width, "0");
    const { maxLength } = context;
    // Widening is what gets us out of a full space: keep the digits, shorten the prefix.
    const widened = width > digits && Number.isFinite(maxLength);
    const room = widened ? Math.max(0, Math.floor(maxLength) - width) : prefix.length;
    return cutToMaxLength(`${prefix.slice(0, room)}${number}`, maxLength);
  };
}
