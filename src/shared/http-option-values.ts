import * as v from "valibot";
import { accepted, optionBag } from "./option-schema.ts";

/** Value schemas of the web layer's option bags (the convention: `option-schema.ts`). */

/**
 * A key the bag cannot do without, checked by `schema` even when left out (its message then
 * ends "got undefined") where a strict bag would say "expected an object": the function
 * default makes valibot run the pipe for an absent key too.
 */
export const required = <S extends v.GenericSchema>(schema: S) =>
  v.pipe(
    v.optional(v.unknown(), () => undefined),
    schema,
  );

/** A string of at least one character. */
export const nonEmpty = (expected: string) =>
  accepted<string>((value) => typeof value === "string" && value !== "", expected);

/** A function, not called to check it. */
export const callable = <F>(expected: string) =>
  accepted<F>((value) => typeof value === "function", expected);

/** A whole number from `min` to `max`. */
export const wholeNumber = (min: number, max: number, expected: string) =>
  accepted<number>(
    (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
    expected,
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

/** A rejected value that may be a secret (a client secret, a provider), shown by its kind only. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (value === "") return "an empty string";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  return `a value of type ${typeof value}`;
}
