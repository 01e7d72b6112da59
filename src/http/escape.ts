/**
 * Escapes a value for HTML text and attribute values (quoted with `"` or `'`): `&`, `<`, `>`,
 * `"` and `'` become entities. Anything that is not a string is converted with `String()`
 * first, and `null`/`undefined` become the empty string, so no value can slip into a template
 * unescaped by accident.
 *
 * @example
 * ```ts
 * escapeHtml('<script>alert("x")</script>'); // "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
 * ```
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(/[&<>"']/g, (char) => ENTITIES[char as keyof typeof ENTITIES]);
}

const ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
} as const;
