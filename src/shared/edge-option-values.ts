import * as v from "valibot";
import { accepted } from "./option-schema.ts";

/**
 * Value schemas shared by the option bags at the edges (adapters, limit stores, database
 * factories, forms, name generators); those taking a `fallback` are optional with that default.
 * A user object (a client, a pool, a logger, a web layer, a function) is checked by the methods
 * we call on it, never looked into further, and shown by its kind only: it may hold a secret.
 */

/** Stands for a missing required key, so that its value schema reports it (see {@link required}). */
const MISSING = Symbol("missing");

/** A value by its kind only ("an object", "a function", "null"), for values that may hold a secret. */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined || value === MISSING) return "undefined";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * A key the bag must have. Valibot reports a missing key without its value's expectation, so
 * the key gets a stand-in its value schema refuses ("expected a function, got undefined"); the
 * schema must show values with {@link kindOf}.
 *
 * @example
 * ```ts
 * optionBag({ headers: required(callback("`headers` from next/headers")) });
 * ```
 */
export function required<T>(schema: v.GenericSchema<unknown, T>) {
  return v.optional(schema, () => MISSING as T);
}

/** True or false. */
export const flag = (fallback: boolean) =>
  v.optional(
    accepted<boolean>((value) => typeof value === "boolean", "true or false"),
    fallback,
  );

/** A string. */
export const text = (fallback: string) =>
  v.optional(
    accepted<string>((value) => typeof value === "string", "a string"),
    fallback,
  );

/** A whole number from `min` (up to `max`): "expected a whole number of at least 1, got 0". */
export function wholeNumber(min: number, fallback: number, max = Number.POSITIVE_INFINITY) {
  const range = max === Number.POSITIVE_INFINITY ? `of at least ${min}` : `from ${min} to ${max}`;
  const valid = (value: unknown) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
  return v.optional(accepted<number>(valid, `a whole number ${range}`), fallback);
}

/** One of these strings: 'expected "cookie" or "passport", got "pasport"'. */
export function oneOf<const T extends string>(choices: readonly T[], fallback: NoInfer<T>) {
  const quoted = choices.map((choice) => JSON.stringify(choice));
  const expected = `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
  return v.optional(
    accepted<T>((value) => choices.includes(value as T), expected),
    fallback,
  );
}

/**
 * A user object with these methods, shown by its kind only.
 *
 * @param expected What it is, as the message says: "an ioredis 5 Redis or Cluster client".
 * @example
 * ```ts
 * optionBag({ client: required(userObject<Redis>(["eval"], "an ioredis 5 Redis client")) });
 * ```
 */
export function userObject<T>(methods: readonly string[], expected: string) {
  return accepted<T>(
    (value) =>
      typeof value === "object" &&
      value !== null &&
      methods.every((name) => typeof (value as Record<string, unknown>)[name] === "function"),
    expected,
    kindOf,
  );
}

/** A logger with a `warn()` method (all we call on it); `console` when not given. */
export const warnLogger = v.optional(
  userObject<{ warn(message: string, ...details: unknown[]): void }>(
    ["warn"],
    "a logger with a warn() method",
  ),
  () => console,
);

/**
 * A function, shown by its kind only. A default goes in a thunk, `v.optional(callback(), () =>
 * Date.now)`: valibot calls a function default to get the value.
 */
export function callback<T>(expected = "a function") {
  return accepted<T>((value) => typeof value === "function", expected, kindOf);
}
