import { InvalidConfigError } from "./errors.ts";

/**
 * The keys an options object may have. Per key: `true` when its value is taken as it is (a
 * scalar, a function, an array, or a user object such as a Kysely instance, a pool, a logger,
 * a Redis client, a schema), or the spec of the option bag it holds (checked in turn when the
 * value is a plain object).
 *
 * @example
 * ```ts
 * const SPEC = { database: true, session: { maxAge: true, refreshInterval: true } } as const satisfies OptionKeySpec;
 * ```
 */
export type OptionKeySpec = { readonly [key: string]: true | OptionKeySpec };

/**
 * A spec listing EXACTLY the keys of `T`: with `satisfies KeysOf<T>`, a key added to `T`
 * but not to the spec is a compile error (missing property), and so is a listed key that
 * `T` does not have (excess property).
 *
 * @example
 * ```ts
 * export const COOKIE_OPTION_KEYS = { name: true, secure: true, domain: true, path: true } as const satisfies KeysOf<CookieOptions>;
 * ```
 */
export type KeysOf<T> = { readonly [K in keyof T]-?: true | OptionKeySpec };

/**
 * Makes a spec whose keys are taken as they are, from a list (e.g. the keys of a defaults
 * object, such as the built-in templates).
 *
 * @example
 * ```ts
 * leafKeys(["layout", "error"]); // { layout: true, error: true }
 * ```
 */
export function leafKeys(keys: Iterable<string>): OptionKeySpec {
  return Object.fromEntries([...keys].map((key) => [key, true as const]));
}

/**
 * True for `{...}` literals and `Object.create(null)`: the only values whose keys are checked.
 * A module namespace (`import * as nextHeaders from "next/headers"`, null prototype too) is not.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  if (Object.prototype.toString.call(value) === "[object Module]") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Throws {@link InvalidConfigError} (`INVALID_CONFIG`) for the first key of `value`, at any
 * depth the spec describes, that the spec does not know, naming its path and the closest known
 * key (or, when none is close, the keys known at that level). Keys whose value is `undefined`
 * are checked too. Values that are not plain objects are not looked into.
 *
 * @param where The entry point, as the message names it, e.g. `"createGuestUsers()"`.
 * @example
 * ```ts
 * checkOptionKeys({ sesion: {} }, { session: { maxAge: true } }, "createGuestUsers()");
 * // InvalidConfigError: Unknown option `sesion`: did you mean `session`? (createGuestUsers() has no such option)
 * ```
 */
export function checkOptionKeys(
  value: unknown,
  spec: OptionKeySpec,
  where: string,
  prefix = "",
): void {
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const inner = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (inner === undefined) throw unknownOption(key, spec, where, prefix);
    if (inner !== true) checkOptionKeys(value[key], inner, where, `${prefix}${key}.`);
  }
}

function unknownOption(
  key: string,
  spec: OptionKeySpec,
  where: string,
  prefix: string,
): InvalidConfigError {
  const known = Object.keys(spec);
  const suggestion = closest(key, known);
  const level = prefix === "" ? "it" : `\`${prefix.slice(0, -1)}\``;
  const hint =
    suggestion !== null
      ? `did you mean \`${prefix}${suggestion}\`?`
      : known.length === 0
        ? `${level} takes no options`
        : `${level} takes ${known.map((name) => `\`${name}\``).join(", ")}`;
  return new InvalidConfigError(`${prefix}${key}`, `${hint} (${where} has no such option)`, {
    unknown: true,
  });
}

/**
 * The candidate closest to `input`: a case-insensitive match first, then the smallest
 * Damerau-Levenshtein distance (adjacent transpositions count one) within a third of the
 * input's length (at least 1, and never every character: `b` is not close to `a`), or a
 * candidate that contains the input or is contained in it (3 characters at least); null when
 * none is close.
 *
 * @example
 * ```ts
 * closest("databse", ["database", "enabled"]); // "database"
 * closest("secretKey", ["secret", "session"]); // "secret"
 * closest("colour", ["database"]); // null
 * ```
 */
export function closest(input: string, candidates: readonly string[]): string | null {
  const lower = input.toLowerCase();
  const exact = candidates.find((candidate) => candidate.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  const limit = Math.max(1, Math.floor(input.length / 3));
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const other = candidate.toLowerCase();
    const distance = editDistance(lower, other);
    const contained =
      Math.min(lower.length, other.length) >= 3 && (lower.includes(other) || other.includes(lower));
    const near = distance <= limit && distance < Math.min(lower.length, other.length);
    if ((near || contained) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}
