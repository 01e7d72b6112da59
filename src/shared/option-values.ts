import * as v from "valibot";
import { accepted, describe, optionBag } from "./option-schema.ts";

/** The value schemas option bags share, each named by what its message says it expects. */

/**
 * Any value, taken as it is and never looked into: a user object (a Kysely instance, a pool,
 * a user store) that the code receiving it checks, or a value its bag checks as a whole.
 */
export function given<T>(): v.CustomSchema<T, undefined> {
  return v.custom<T>(() => true);
}

/** A value as a message shows it when it may be a user object or a secret: its kind only. */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value === "") return "an empty string";
  if (Array.isArray(value)) return "an array";
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

/** A secret as a message shows it: its kind and length, never its characters. */
export function describeSecret(value: unknown): string {
  return typeof value === "string" ? `a string of ${value.length} characters` : describeKind(value);
}

/** True for a finite number above 0. */
export const isSeconds = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value > 0;

/** `true` or `false`. */
export const trueOrFalse = accepted<boolean>(
  (value) => typeof value === "boolean",
  "true or false",
);

/** True for a whole number from `min` to `max`. */
export const isWhole = (value: unknown, min: number, max = Number.POSITIVE_INFINITY) =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/** A positive (finite) number of seconds. */
export const seconds = accepted<number>(isSeconds, "a positive number of seconds");

/**
 * A whole number from `min` to `max`.
 * @example
 * ```ts
 * integerFrom(1, 12); // "expected an integer from 1 to 12, got 0"
 * ```
 */
export function integerFrom(
  min: number,
  max: number,
  expected = `an integer from ${min} to ${max}`,
) {
  return accepted<number>((value) => isWhole(value, min, max), expected);
}

/** A whole number of at least 1. */
export const positiveInteger = integerFrom(1, Number.POSITIVE_INFINITY, "a positive integer");

/** A string `pattern` matches in full (give it `^...$`). */
export function matching(pattern: RegExp, expected: string) {
  return accepted<string>((value) => typeof value === "string" && pattern.test(value), expected);
}

/** A same-site path (`/...`, never `//host` or `/\host`) or an absolute http(s) URL. */
export const url = matching(
  /^(?:\/(?![/\\])|https?:\/\/\S+$)/i,
  'a path starting with "/" or an http(s) URL',
);

/** One of these strings: `oneOf("a", "b")` expects `'"a" or "b"'`. */
export function oneOf<const T extends readonly string[]>(...values: T) {
  const shown = values.map((value) => JSON.stringify(value));
  const expected = `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`;
  return accepted<T[number]>((value) => values.includes(value as string), expected);
}

/** A function. */
export function aFunction<F>(expected = "a function", show: (value: unknown) => string = describe) {
  return accepted<F>((value) => typeof value === "function", expected, show);
}

/** A user object with these methods, shown by kind only in a message (it may hold secrets). */
export function withMethods<T>(methods: readonly string[], expected: string) {
  const has = (value: unknown) =>
    typeof value === "object" &&
    value !== null &&
    methods.every((name) => typeof (value as Record<string, unknown>)[name] === "function");
  return accepted<T>(has, expected, describeKind);
}

/** `schema`'s value, or null when the option is absent or null. */
export function orNull<const S extends v.GenericSchema>(schema: S) {
  return v.optional(v.nullable(schema), null);
}

/** A string of at least one character. */
export const nonEmpty = (expected: string) => matching(/./s, expected);

/** A string. */
export const text = accepted<string>((value) => typeof value === "string", "a string");

/** A whole number from `min` (up to `max`): "expected a whole number of at least 1, got 0". */
export function wholeNumber(min: number, max = Number.POSITIVE_INFINITY) {
  const range = max === Number.POSITIVE_INFINITY ? `of at least ${min}` : `from ${min} to ${max}`;
  return integerFrom(min, max, `a whole number ${range}`);
}

/** A logger with a `warn()` method (all we call on it); `console` when not given. */
export const warnLogger = v.optional(
  withMethods<{ warn(message: string, ...details: unknown[]): void }>(
    ["warn"],
    "a logger with a warn() method",
  ),
  () => console,
);

/**
 * A bag replacing some of `defaults`' entries (templates): a misspelled name is an unknown
 * option; the values are taken as given.
 */
export function someOf<T extends object>(defaults: T): v.GenericSchema<Partial<T>> {
  const entries = Object.fromEntries(
    Object.keys(defaults).map((key) => [key, v.optional(v.unknown())]),
  );
  // Names known at run time only: their type is the one valibot cannot infer.
  return optionBag(entries) as v.GenericSchema<unknown> as v.GenericSchema<Partial<T>>;
}
