/**
 * How usernames compare: by their NFKC form, with full Unicode case folding. `"Ada"`,
 * `"ada"` and `"ＡＤＡ"` (fullwidth) are one username, and so are `"straße"` and `"STRASSE"`,
 * `"ΣΊΣ"` and `"σίς"`; the first one registered keeps its spelling.
 */

/**
 * The form a username is stored in: Unicode NFKC, so fullwidth `"ＡＤＡ"` is stored as
 * `"ADA"` and compatibility characters (ligatures, superscripts) as their plain letters.
 * Case is kept as typed. Not trimmed: the built-in form trims, and a custom form decides.
 *
 * @example
 * ```ts
 * normalizeUsername("ＡＤＡ"); // "ADA"
 * normalizeUsername("ﬁona"); // "fiona"
 * ```
 */
export function normalizeUsername(username: string): string {
  return username.normalize("NFKC");
}

/** Full case folding of a text without U+0131 (see {@link usernameKey}). */
function fold(text: string): string {
  return text.toLowerCase().toUpperCase().toLowerCase().replaceAll("ς", "σ");
}

/**
 * The key two usernames are compared by, and the value of the built-in users table's
 * unique `username_key` column: NFKC, then full Unicode case folding (CaseFolding.txt, status
 * C and F), then NFKC again. Equal keys mean the same username.
 *
 * The folding is JavaScript's own full case mapping: lower, upper, then lower case again (so
 * `ß`, `ẞ` and `SS` all become `ss`, and `ΐ` its three letters), with the final sigma `ς`
 * written `σ` as folding does, and the dotless `ı` kept apart from `i` (only Turkic folding
 * joins them). Checked against every code point of CaseFolding.txt: the same names are equal
 * (the key itself differs for Cherokee only, folded to lower case instead of upper). It
 * follows the Unicode version of the running Node.js: a later one may fold characters that
 * are new to it.
 *
 * @example
 * ```ts
 * usernameKey("ＡＤＡ") === usernameKey("ada"); // true
 * usernameKey("straße") === usernameKey("STRASSE"); // true: "strasse"
 * usernameKey("ΣΊΣ") === usernameKey("σίς"); // true: "σίσ"
 * ```
 */
export function usernameKey(username: string): string {
  const normalized = normalizeUsername(username);
  const folded = normalized.includes("ı")
    ? normalized.split("ı").map(fold).join("ı")
    : fold(normalized);
  return folded.normalize("NFKC");
}

/**
 * The column of the built-in users table that holds each name's {@link usernameKey}, under a
 * unique index (migration 010): every lookup, the "taken" check and the admin search use it.
 */
export const USERNAME_KEY_COLUMN = "username_key";

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/**
 * For an app's own users table (which has no key column): the spellings to look a username
 * up by with `lower(column) in (lower(?), ...)`, so that the lookup stays on a
 * `lower(username)` index whatever the database's `lower()` folds. SQLite's `lower()` folds
 * ASCII letters only, so a stored `"Jürgen"` has the key `"jürgen"` there, but `"JÜRGEN"`
 * keeps its `Ü`: for a name with letters beyond ASCII we therefore also ask for its all-upper
 * and capitalized spellings, the ways such a name is usually stored, and its folded key
 * (`"strasse"` for `"straße"`). (PostgreSQL's `lower()` folds all of Unicode in a UTF-8
 * locale, but not `ß` to `ss`; MySQL and MariaDB compare by the column's case-insensitive
 * collation and need only the name.)
 *
 * @example
 * ```ts
 * usernameSpellings("Ada"); // ["ada"]
 * usernameSpellings("jürgen"); // ["jürgen", "JÜRGEN", "Jürgen"]
 * ```
 */
export function usernameSpellings(username: string): string[] {
  const lower = normalizeUsername(username).toLowerCase();
  if (ASCII_ONLY.test(lower)) return [lower];
  const upper = lower.toUpperCase();
  const [first = ""] = lower;
  const capitalized = first.toUpperCase() + lower.slice(first.length);
  return [...new Set([lower, upper, capitalized, usernameKey(username)])];
}
