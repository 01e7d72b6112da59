import { randomInt } from "node:crypto";
import { InvalidConfigError } from "../errors.ts";
import { cutToMaxLength, type NameGenerator } from "./name-generator.ts";

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

/**
 * Makes a generator of names like `Guest0588`: the prefix plus a uniformly random number
 * from 0 to `10 ** digits - 1`, zero-padded to `digits` digits, cut to the column's
 * maximum length. Throws {@link InvalidConfigError} for a bad prefix or digit count.
 *
 * @example
 * ```ts
 * const generate = numberedNameGenerator({ prefix: "Guest", digits: 4 });
 * generate({ maxLength: 150 }); // "Guest0588"
 * ```
 */
export function numberedNameGenerator(options: NumberedNameOptions = {}): NameGenerator {
  const { prefix = "Guest", digits = 4 } = options;
  if (typeof prefix !== "string") {
    throw new InvalidConfigError("prefix", `expected a string, got ${typeof prefix}.`);
  }
  if (!Number.isInteger(digits) || digits < 1 || digits > MAX_DIGITS) {
    throw new InvalidConfigError(
      "digits",
      `expected a whole number from 1 to ${MAX_DIGITS}, got ${String(digits)}.`,
    );
  }
  const limit = 10 ** digits;
  return ({ maxLength }) => {
    const number = String(randomInt(0, limit)).padStart(digits, "0");
    return cutToMaxLength(`${prefix}${number}`, maxLength);
  };
}
