import { randomUUID } from "node:crypto";
import { cutToMaxLength, type NameGenerator } from "./name-generator.ts";

/**
 * The default username generator: a random (v4) UUID without its dashes, i.e. 32 lower-case
 * hex characters, cut to the username column's maximum length.
 *
 * @example
 * ```ts
 * uuidNameGenerator({ maxLength: 150 }); // "3f2b8c0e6d1a4e7f9b5c2a1d0e8f7a6b"
 * uuidNameGenerator({ maxLength: 8 }); // "3f2b8c0e"
 * ```
 */
export const uuidNameGenerator: NameGenerator = ({ maxLength }) =>
  cutToMaxLength(randomUUID().replaceAll("-", ""), maxLength);
