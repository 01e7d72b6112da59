import { createHash } from "node:crypto";

/**
 * The hot statements' SQL texts, each with the name it runs under as a server-side prepared
 * statement (PostgreSQL: pg's named statements; MySQL: mysql2's `execute`) on pools that
 * allow it (the `preparedStatements` option). The name is derived from the text, so one name
 * never stands for two texts on a connection, in this process or any other.
 */
const names = new Map<string, string>();

/**
 * Marks `text` (a compiled statement, parameters as placeholders) to run as a prepared
 * statement; returns it unchanged. Call it once per text (say when the statement is first
 * compiled), not per query.
 *
 * @example
 * ```ts
 * const text = preparedStatement(sql`select ... where s.id = ${""}`.compile(db).sql);
 * await db.executeQuery(CompiledQuery.raw(text, [id]));
 * ```
 */
export function preparedStatement(text: string): string {
  if (!names.has(text)) {
    names.set(text, `guest_user_${createHash("sha256").update(text).digest("hex").slice(0, 20)}`);
  }
  return text;
}

/** The prepared statement name of a marked text, or undefined for every other statement. */
export function preparedStatementName(text: string): string | undefined {
  return names.get(text);
}
