/**
 * What every username generator receives: the longest username the users table accepts, and
 * which try this is.
 *
 * @example
 * ```ts
 * const context: NameGeneratorContext = { maxLength: 150, attempt: 1 };
 * ```
 */
export interface NameGeneratorContext {
  /** The maximum length of the username column; generators cut their result to it. */
  readonly maxLength: number;
  /**
   * Which name this is for one new guest: 1 for the first, 2 after the first name clashed
   * with an existing username, 3 after the second, and so on. A generator whose space may
   * fill up (like `"numbered"`) widens it on later attempts; others may ignore it. Absent
   * when the caller does not say (treat it as 1).
   * @default 1
   * @example 3
   */
  readonly attempt?: number;
}

/**
 * Makes a username for a new guest: the reference's `NAME_GENERATOR`. It need not be unique;
 * on a clash the caller asks again for a fresh name, with `attempt` one higher.
 *
 * @example
 * ```ts
 * const initials: NameGenerator = ({ maxLength }) => `guest-${Date.now()}`.slice(0, maxLength);
 * ```
 */
export type NameGenerator = (context: NameGeneratorContext) => string;

/**
 * Reads `attempt` from a generator's context: a whole number of at least 1 (anything else,
 * including an absent value, counts as the first attempt).
 */
export function attemptOf(context: NameGeneratorContext): number {
  const { attempt } = context;
  return typeof attempt === "number" && Number.isInteger(attempt) && attempt > 1 ? attempt : 1;
}

/**
 * Cuts a generated name to the column's maximum length. A length that is not a finite number
 * (e.g. `Infinity`) leaves the name whole; a negative one is treated as zero.
 */
export function cutToMaxLength(name: string, maxLength: number): string {
  if (!Number.isFinite(maxLength)) return name;
  return name.slice(0, Math.max(0, Math.floor(maxLength)));
}
