/**
 * What every username generator receives: the longest username the users table accepts.
 *
 * @example
 * ```ts
 * const context: NameGeneratorContext = { maxLength: 150 };
 * ```
 */
export interface NameGeneratorContext {
  /** The maximum length of the username column; generators cut their result to it. */
  readonly maxLength: number;
}

/**
 * Makes a username for a new guest: the reference's `NAME_GENERATOR`. It need not be unique;
 * on a clash the caller asks again for a fresh name.
 *
 * @example
 * ```ts
 * const initials: NameGenerator = ({ maxLength }) => `guest-${Date.now()}`.slice(0, maxLength);
 * ```
 */
export type NameGenerator = (context: NameGeneratorContext) => string;

/**
 * Cuts a generated name to the column's maximum length. A length that is not a finite number
 * (e.g. `Infinity`) leaves the name whole; a negative one is treated as zero.
 *
 * @example
 * ```ts
 * cutToMaxLength("Guest0588", 5); // "Guest"
 * ```
 */
export function cutToMaxLength(name: string, maxLength: number): string {
  if (!Number.isFinite(maxLength)) return name;
  return name.slice(0, Math.max(0, Math.floor(maxLength)));
}
