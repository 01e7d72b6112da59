import type { StandardSchemaV1 } from "@standard-schema/spec";
import * as v from "valibot";
import { closest } from "./closest.ts";
import { InvalidConfigError } from "./errors.ts";
import { hideCredentials } from "./hide-credentials.ts";

/**
 * Every option bag of the library is one strict valibot schema, written beside the documented
 * interface it checks, and run through Standard Schema by {@link parseOptions}. Valibot, not
 * zod/mini or arktype: it is the smallest (each check is a function a bundler keeps only when
 * used: about 2 KB for all our schemas, against ~20 KB for zod/mini and ~40 KB for arktype),
 * it parses without `new Function` (arktype compiles validators, which strict CSPs and some
 * edge runtimes refuse), and start-up checks are not a hot path where arktype's speed would
 * count. The schemas give, from one place: the keys a bag knows (an unknown key fails with
 * "did you mean"), each value's check with the message naming what it expects, the defaults
 * (`v.optional(schema, default)`) and the resolved type (`v.InferOutput`).
 */

/**
 * The schemas of an option bag's keys, exactly the keys of `T`: with `satisfies EntriesOf<T>`,
 * a key added to `T` but not to the schema is a compile error, and so is a key `T` lacks.
 */
export type EntriesOf<T> = { readonly [K in keyof T]-?: v.GenericSchema };

/**
 * `true` only when `A` and `B` are one type (each assignable to the other). Ties a resolved
 * type written out for its documentation to the schema that makes it, so they cannot drift.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Marks an unknown-key message so {@link parseOptions} can name the key's full path. */
const UNKNOWN_KEY = "\u0000unknown-key\u0000";

/**
 * A strict option bag: an object with exactly these keys (each optional or not as its schema
 * says). A key it does not know fails as "Unknown option `x`: did you mean `y`?"; a required
 * key that is missing, as its schema says of `undefined`; a value that is not an object, as
 * "expected an object".
 */
export function optionBag<const E extends v.ObjectEntries>(entries: E) {
  const known = Object.keys(entries);
  return v.strictObject(entries, (issue) => {
    if (issue.expected === "never") return `${UNKNOWN_KEY}${JSON.stringify(known)}`;
    const missing = issue.path?.[0]?.key;
    if (typeof missing === "string" && Object.hasOwn(entries, missing)) {
      const schema = entries[missing] as v.GenericSchema;
      return v.safeParse(schema, undefined).issues?.[0].message ?? "required";
    }
    return `expected an object, got ${describe(issue.input)}`;
  });
}

/**
 * A value taken when `valid` says yes; otherwise "expected {expected}, got {the value}" (the
 * value as {@link describe} shows it, or as `show` does: a secret by its length only).
 *
 * @example
 * ```ts
 * const seconds = accepted<number>((v) => typeof v === "number" && v > 0, "a positive number of seconds");
 * ```
 */
export function accepted<T>(
  valid: (value: unknown) => boolean,
  expected: string,
  show: (value: unknown) => string = describe,
): v.CustomSchema<T, v.ErrorMessage<v.CustomIssue> | undefined> {
  return v.custom<T>(valid, (issue) => `expected ${expected}, got ${show(issue.input)}`);
}

/**
 * Checks `value` against an option schema (any Standard Schema whose messages follow this
 * module's conventions) and returns its output, defaults filled in. Throws
 * {@link InvalidConfigError} (`INVALID_CONFIG`) for the first unknown key at any depth,
 * otherwise for the first invalid value, naming its path:
 * "Unknown option `session.maxAgee`: did you mean `session.maxAge`? (createGuestUsers() has no
 * such option)", "Invalid option `session.maxAge`: expected a positive number of seconds, got -1".
 *
 * @param where The entry point, as the message names it, e.g. `"createGuestUsers()"`.
 */
export function parseOptions<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
  where: string,
): StandardSchemaV1.InferOutput<S> {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise)
    throw new TypeError(`${where}: option schemas must be synchronous`);
  if (result.issues === undefined) return result.value;
  const issue =
    result.issues.find((candidate) => candidate.message.startsWith(UNKNOWN_KEY)) ??
    (result.issues[0] as StandardSchemaV1.Issue);
  const path = (issue.path ?? []).map((segment) =>
    String(typeof segment === "object" ? segment.key : segment),
  );
  if (!issue.message.startsWith(UNKNOWN_KEY))
    throw new InvalidConfigError(path.join(".") || "options", issue.message);
  const known = JSON.parse(issue.message.slice(UNKNOWN_KEY.length)) as string[];
  const key = path.at(-1) ?? "";
  const parent = path.slice(0, -1).join(".");
  const prefix = parent && `${parent}.`;
  const suggestion = closest(key, known);
  const level = parent ? `\`${parent}\`` : "it";
  const hint =
    suggestion !== null
      ? `did you mean \`${prefix}${suggestion}\`?`
      : known.length === 0
        ? `${level} takes no options`
        : `${level} takes ${known.map((name) => `\`${name}\``).join(", ")}`;
  throw new InvalidConfigError(`${prefix}${key}`, `${hint} (${where} has no such option)`, {
    unknown: true,
  });
}

/** A rejected value as an error message shows it (functions by kind only, URLs without password). */
export function describe(value: unknown): string {
  if (typeof value === "function") return "a function";
  try {
    return hideCredentials(JSON.stringify(value) ?? String(value));
  } catch {
    return hideCredentials(String(value));
  }
}
