import { csrfInput } from "../csrf.ts";
import { escapeHtml } from "../views/html.ts";
import {
  adminTabs,
  expiryText,
  GUEST_HEADERS,
  guestCells,
  guestsText,
  table,
} from "./page-fragments.ts";
import type { ConfirmDeleteContext } from "./template-contexts.ts";

/**
 * The confirmation step before a deletion: what will go (the selected guests, or how many
 * are expired), and a form that posts the same ids back with `confirm=1` and the CSRF token.
 * Nothing to delete: says so, with only a way back.
 */
export function confirmDeleteTemplate(context: ConfirmDeleteContext): string {
  const { paths, csrfToken, now } = context;
  const count = context.kind === "selected" ? context.guests.length : context.expiredCount;
  const back = `<a class="button secondary" href="${escapeHtml(paths.list)}">Cancel</a>`;
  const skipped =
    context.skipped > 0
      ? `<p class="warning">${escapeHtml(context.skipped === 1 ? "1 selected account is" : `${context.skipped} selected accounts are`)} not a guest and will be kept.</p>`
      : "";
  const what =
    context.kind === "selected"
      ? count === 0
        ? context.skipped === 0
          ? "<p>No guest was selected: tick the guests to delete in the list first.</p>"
          : "<p>None of the selected accounts is a guest: there is nothing to delete.</p>"
        : `<p>${count === 1 ? "This guest" : `These ${escapeHtml(guestsText(count))}`} will be deleted with everything that belongs to them. This cannot be undone.</p>
${table(GUEST_HEADERS, context.guests.map((guest) => `<tr>${guestCells(guest, now)}</tr>`).join("\n"))}`
      : count === 0
        ? `<p>No guest is ${escapeHtml(expiryText(context.expiry))}: there is nothing to delete.</p>`
        : `<p><strong>${escapeHtml(guestsText(count))}</strong> ${count === 1 ? "is" : "are"} ${escapeHtml(expiryText(context.expiry))}. They will be deleted in batches, with everything that belongs to them. This cannot be undone.</p>`;
  const ids = context.ids
    .map((id) => `<input type="hidden" name="ids" value="${escapeHtml(id)}">`)
    .join("");
  const form =
    count === 0
      ? `<div class="actions">${back}</div>`
      : `<form method="post" action="${escapeHtml(context.action)}">
${csrfInput(csrfToken)}<input type="hidden" name="confirm" value="1">${ids}
<div class="actions"><button type="submit" class="danger">Delete ${escapeHtml(guestsText(count))}</button>${back}</div>
</form>`;
  return `${adminTabs(paths, "list")}
<div class="card">
<h1>${context.kind === "selected" ? "Delete the selected guests?" : "Delete all expired guests?"}</h1>
${skipped}${what}
${form}
</div>`;
}
