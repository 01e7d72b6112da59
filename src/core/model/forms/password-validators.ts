import * as v from "valibot";
import {
  accepted,
  type EntriesOf,
  optionBag,
  parseOptions,
} from "../../../shared/option-schema.ts";
import { describeKind, wholeNumber } from "../../../shared/option-values.ts";
import { isCommonPassword } from "./common-passwords.ts";

/**
 * The user a password is checked against: the attributes the similarity check compares.
 *
 * @example
 * ```ts
 * const user: PasswordUser = { username: "john.smith", email: "john@example.com" };
 * ```
 */
export interface PasswordUser {
  readonly username?: string;
  readonly email?: string | null;
}

/**
 * One password rule (the reference's `AUTH_PASSWORD_VALIDATORS` entries): `validate` returns
 * an error message, or `null` when the password passes.
 *
 * @example
 * ```ts
 * const noSpaces: PasswordValidator = {
 *   name: "noSpaces",
 *   validate: (password) => (/\s/.test(password) ? "This password contains spaces." : null),
 * };
 * ```
 */
export interface PasswordValidator {
  /** A short identifier, e.g. `"minimumLength"`. */
  readonly name: string;
  validate(password: string, user: PasswordUser): string | null;
}

/** Options of {@link minimumLengthValidator}. */
export interface MinimumLengthOptions {
  /**
   * The fewest characters (Unicode code points) a password may have.
   * @default 8
   * @example 12
   */
  readonly minLength?: number;
}

const MINIMUM_LENGTH_OPTIONS = optionBag({
  minLength: v.optional(wholeNumber(1), 8),
} satisfies EntriesOf<MinimumLengthOptions>);

/**
 * Rejects passwords shorter than `minLength` characters.
 *
 * @example
 * ```ts
 * minimumLengthValidator().validate("short", {});
 * // "This password is too short. It must contain at least 8 characters."
 * ```
 */
export function minimumLengthValidator(options: MinimumLengthOptions = {}): PasswordValidator {
  const { minLength } = parseOptions(MINIMUM_LENGTH_OPTIONS, options, "minimumLengthValidator()");
  const unit = minLength === 1 ? "character" : "characters";
  const message = `This password is too short. It must contain at least ${minLength} ${unit}.`;
  return {
    name: "minimumLength",
    validate: (password) => (Array.from(password).length < minLength ? message : null),
  };
}

/** A user attribute the similarity check may compare the password with. */
export type PasswordUserAttribute = "username" | "email";

const ATTRIBUTE_LABELS: Readonly<Record<PasswordUserAttribute, string>> = {
  username: "username",
  email: "email address",
};

/** Options of {@link userAttributeSimilarityValidator}. */
export interface UserAttributeSimilarityOptions {
  /**
   * The user attributes to compare the password with.
   * @default ["username", "email"]
   * @example ["username"]
   */
  readonly attributes?: readonly PasswordUserAttribute[];
  /**
   * The similarity (0.1 to 1) from which a password is rejected; lower is stricter.
   * @default 0.7
   * @example 0.5
   */
  readonly maxSimilarity?: number;
}

const SIMILARITY_OPTIONS = optionBag({
  attributes: v.optional(
    accepted<readonly PasswordUserAttribute[]>(
      (value) =>
        Array.isArray(value) && value.every((name) => Object.hasOwn(ATTRIBUTE_LABELS, name)),
      'an array of "username" and "email"',
    ),
    ["username", "email"],
  ),
  maxSimilarity: v.optional(
    accepted<number>(
      (value) => typeof value === "number" && value >= 0.1 && value <= 1,
      "a number from 0.1 to 1",
    ),
    0.7,
  ),
} satisfies EntriesOf<UserAttributeSimilarityOptions>);

/**
 * How alike two strings are, ignoring order: twice the number of characters they share
 * (counted as multisets) divided by their total length. 1 means the same characters.
 */
function characterOverlap(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const char of b) counts.set(char, (counts.get(char) ?? 0) + 1);
  let shared = 0;
  for (const char of a) {
    const left = counts.get(char) ?? 0;
    if (left > 0) {
      shared += 1;
      counts.set(char, left - 1);
    }
  }
  const total = a.length + b.length;
  return total === 0 ? 1 : (2 * shared) / total;
}

/**
 * Rejects passwords too similar to the username or the email address, comparing the
 * lower-cased password with each whole value and with each of its parts split on
 * non-word characters (so `john.smith@example.com` also yields `john`, `smith`, `example`,
 * `com`). A part is skipped when the password is at least ten times longer than it and
 * the part is shorter than `maxSimilarity / 2` times the password's length.
 *
 * @example
 * ```ts
 * userAttributeSimilarityValidator().validate("john.smith1", { username: "john.smith" });
 * // "The password is too similar to the username."
 * ```
 */
export function userAttributeSimilarityValidator(
  options: UserAttributeSimilarityOptions = {},
): PasswordValidator {
  const { attributes, maxSimilarity } = parseOptions(
    SIMILARITY_OPTIONS,
    options,
    "userAttributeSimilarityValidator()",
  );
  return {
    name: "userAttributeSimilarity",
    validate(password, user) {
      const passwordChars = Array.from(password.toLowerCase());
      for (const attribute of attributes) {
        const value = user[attribute];
        if (typeof value !== "string" || value === "") continue;
        const whole = value.toLowerCase();
        for (const part of [...whole.split(/[^\p{L}\p{N}_]+/u), whole]) {
          const partChars = Array.from(part);
          if (partChars.length === 0) continue;
          const muchLonger = passwordChars.length >= 10 * partChars.length;
          if (muchLonger && partChars.length < (maxSimilarity / 2) * passwordChars.length) continue;
          if (characterOverlap(passwordChars, partChars) >= maxSimilarity) {
            return `The password is too similar to the ${ATTRIBUTE_LABELS[attribute]}.`;
          }
        }
      }
      return null;
    },
  };
}

/** Options of {@link commonPasswordValidator}. */
export interface CommonPasswordOptions {
  /**
   * Your own list of common passwords, compared case-insensitively after trimming.
   * @default the bundled list of 20,000 common passwords
   * @example ["letmein", "hunter2"]
   */
  readonly passwords?: Iterable<string>;
}

const COMMON_PASSWORD_OPTIONS = optionBag({
  passwords: v.optional(
    accepted<Iterable<string>>(
      (value) =>
        typeof value === "object" &&
        typeof (value as Iterable<string> | null)?.[Symbol.iterator] === "function",
      "an iterable of passwords (an array, a Set)",
      describeKind,
    ),
  ),
} satisfies EntriesOf<CommonPasswordOptions>);

/**
 * Rejects passwords that are on a list of common passwords (lower-cased and trimmed first).
 *
 * @example
 * ```ts
 * commonPasswordValidator().validate("qwertyuiop", {}); // "This password is too common."
 * ```
 */
export function commonPasswordValidator(options: CommonPasswordOptions = {}): PasswordValidator {
  const { passwords } = parseOptions(COMMON_PASSWORD_OPTIONS, options, "commonPasswordValidator()");
  const list = passwords && new Set(Array.from(passwords, (item) => item.toLowerCase().trim()));
  return {
    name: "commonPassword",
    validate: (password) =>
      isCommonPassword(password, list) ? "This password is too common." : null,
  };
}

/**
 * Rejects passwords made only of digits (any script's decimal digits).
 *
 * @example
 * ```ts
 * numericPasswordValidator().validate("83920174650", {}); // "This password is entirely numeric."
 * ```
 */
export function numericPasswordValidator(): PasswordValidator {
  return {
    name: "numericPassword",
    validate: (password) =>
      /^\p{Nd}+$/u.test(password) ? "This password is entirely numeric." : null,
  };
}

/**
 * The reference's default rules, in its order: not too similar to the username or email,
 * at least 8 characters, not common, not entirely numeric.
 *
 * @example
 * ```ts
 * validatePassword("password", {}, defaultPasswordValidators); // ["This password is too common."]
 * ```
 */
export const defaultPasswordValidators: readonly PasswordValidator[] = [
  userAttributeSimilarityValidator(),
  minimumLengthValidator(),
  commonPasswordValidator(),
  numericPasswordValidator(),
];

/**
 * Runs every validator on the password and returns all their messages (empty when it
 * passes them all).
 *
 * @default validators: {@link defaultPasswordValidators}
 * @example
 * ```ts
 * validatePassword("1234", { username: "ann" });
 * // ["This password is too short. It must contain at least 8 characters.",
 * //  "This password is too common.", "This password is entirely numeric."]
 * ```
 */
export function validatePassword(
  password: string,
  user: PasswordUser,
  validators: readonly PasswordValidator[] = defaultPasswordValidators,
): string[] {
  return validators.flatMap((validator) => validator.validate(password, user) ?? []);
}
