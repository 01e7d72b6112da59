import { randomInt } from "node:crypto";
import { cutToMaxLength, type NameGenerator } from "./name-generator.ts";
import { ADJECTIVES, NOUNS } from "./words.ts";

function pick(words: readonly string[]): string {
  const word = words[randomInt(words.length)] ?? "";
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * Makes a generator of readable names like `BraveOtter4821`: a capitalized adjective, a
 * capitalized animal or nature noun, and a random number from 1 to 9999 (not padded), cut
 * to the column's maximum length. About 15 million combinations, so clashes are rare and
 * the caller simply asks again.
 *
 * @example
 * ```ts
 * const generate = friendlyNameGenerator();
 * generate({ maxLength: 150 }); // "BraveOtter4821"
 * ```
 */
export function friendlyNameGenerator(): NameGenerator {
  return ({ maxLength }) => {
    const name = `${pick(ADJECTIVES)}${pick(NOUNS)}${randomInt(1, 10_000)}`;
    return cutToMaxLength(name, maxLength);
  };
}
