/**
 * The file a `sqlite:` or `file:` connection URL names (`sqlite:app.sqlite3`,
 * `file:///var/data/app.sqlite3`): `""` when it names none, `":memory:"` for an in-memory
 * database, null for any other URL. The one reading of a SQLite URL: the store opens it, the
 * CLI checks it exists, the development secret is kept beside it.
 *
 * @example
 * ```ts
 * sqlitePathOf("sqlite:data/app.sqlite3"); // "data/app.sqlite3"
 * sqlitePathOf("postgres://localhost/app"); // null
 * ```
 */
export function sqlitePathOf(url: string): string | null {
  const scheme = /^(sqlite|file):/i.exec(url)?.[1];
  return scheme === undefined ? null : url.slice(scheme.length + 1).replace(/^\/\//, "");
}
