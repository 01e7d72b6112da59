import type { FieldErrors } from "../../shared/errors.ts";
import { csrfInput } from "../csrf.ts";
import { escapeHtml } from "../escape.ts";

export { escapeHtml } from "../escape.ts";

/**
 * The log-out button of a page header: a POST form carrying the CSRF token, or `""` when
 * either is missing (a bearer client, a page without a session).
 */
export function logOutForm(csrfToken?: string | null, logoutUrl?: string | null): string {
  if (!csrfToken || !logoutUrl) return "";
  return ` · <form method="post" action="${escapeHtml(logoutUrl)}">${csrfInput(csrfToken)}<button type="submit">Log out</button></form>`;
}

/** A list of error messages, or `""` for none; `id` lets an input name it in `aria-describedby`. */
export function errorList(messages: readonly string[] | undefined, id?: string): string {
  if (!messages || messages.length === 0) return "";
  const items = messages.map((message) => `<li>${escapeHtml(message)}</li>`).join("");
  return `<ul class="errors"${id ? ` id="${escapeHtml(id)}"` : ""} role="alert">${items}</ul>`;
}

/**
 * What every built-in form opens with: the errors of no field in `shown` (so none are lost;
 * list `errorsId`), the CSRF input, and the safe `next` as a hidden input when there is one.
 */
export function formHead(
  { errors, csrfToken, next }: { errors: FieldErrors; csrfToken: string; next: string | null },
  shown: readonly string[],
  errorsId?: string,
): string {
  const others = Object.entries(errors).flatMap(([field, list]) =>
    shown.includes(field) ? [] : list,
  );
  const nextInput = next ? `\n<input type="hidden" name="next" value="${escapeHtml(next)}">` : "";
  return `${errorList(others, errorsId)}${csrfInput(csrfToken)}${nextInput}`;
}

/**
 * A whole HTML document: the head (charset, viewport, escaped title, inline style, no
 * favicon request) and `body` as given (already HTML).
 */
export function htmlDocument(page: {
  readonly title: string;
  readonly style: string;
  readonly body: string;
}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<link rel="icon" href="data:,">
<style>${page.style}</style>
</head>
<body>
${page.body}
</body>
</html>
`;
}

/** "14 February 2026 at 09:30 UTC": dates on the built-in pages, the same on every server. */
export function formatDate(millis: number): string {
  const text = new Intl.DateTimeFormat("en-GB", {
    dateStyle: "long",
    timeStyle: "short",
    timeZone: "UTC",
  }).format(millis);
  return `<time datetime="${escapeHtml(new Date(millis).toISOString())}">${escapeHtml(text)} UTC</time>`;
}
