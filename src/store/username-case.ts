/**
 * How usernames compare: by their NFKC form, without regard to case. `"Ada"`, `"ada"` and
 * `"ＡＤＡ"` (fullwidth) are one username; the first one registered keeps its spelling.
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

/**
 * The key two usernames are compared by: NFKC, then lower case (full Unicode, in
 * JavaScript). Equal keys mean the same username.
 *
 * @example
 * ```ts
 * usernameKey("ＡＤＡ") === usernameKey("ada"); // true
 * usernameKey("Jürgen") === usernameKey("JÜRGEN"); // true
 * ```
 */
export function usernameKey(username: string): string {
  return normalizeUsername(username).toLowerCase();
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const ASCII_ONLY = /^[\u0000-\u007f]*$/;

/**
 * The spellings to look a username up by with `lower(column) in (lower(?), ...)`, so that the
 * lookup stays on the `lower(username)` index whatever the database's `lower()` folds.
 * SQLite's `lower()` folds ASCII letters only, so a stored `"Jürgen"` has the key
 * `"jürgen"` there, but `"JÜRGEN"` keeps its `Ü`: for a name with letters beyond ASCII
 * we therefore also ask for its all-upper and capitalized spellings, the ways such a name is
 * usually stored. (PostgreSQL's `lower()` folds all of Unicode in a UTF-8 locale; MySQL and
 * MariaDB compare by the column's case-insensitive collation and need only the name.)
 *
 * @example
 * ```ts
 * usernameSpellings("Ada"); // ["ada"]
 * usernameSpellings("jürgen"); // ["jürgen", "JÜRGEN", "Jürgen"]
 * ```
 */
export function usernameSpellings(username: string): string[] {
  const lower = usernameKey(username);
  if (ASCII_ONLY.test(lower)) return [lower];
  const upper = lower.toUpperCase();
  const [first = ""] = lower;
  const capitalized = first.toUpperCase() + lower.slice(first.length);
  return [...new Set([lower, upper, capitalized])];
}
