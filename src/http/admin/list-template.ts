import { csrfInput } from "../csrf.ts";
import { escapeHtml } from "../views/html.ts";
import { adminTabs, expiryText, GUEST_HEADERS, guestCells, table } from "./page-fragments.ts";
import type { GuestListContext } from "./template-contexts.ts";

const FILTER_LABELS = { all: "All", active: "Active", expired: "Expired" } as const;

/**
 * The guest list: a search box (username prefix), the filter pills, a table with a checkbox
 * per guest inside the "delete selected" form, the pager, and the "delete all expired" form.
 * Both forms lead to a confirmation page first.
 */
export function guestListTemplate(context: GuestListContext): string {
  const { guests, filter, q, paths, csrfToken, now } = context;
  const csrf = csrfInput(csrfToken);
  const pills = (Object.keys(FILTER_LABELS) as (keyof typeof FILTER_LABELS)[])
    .map(
      (name) =>
        `<a href="${escapeHtml(context.filterLinks[name])}"${name === filter ? ' aria-current="true"' : ""}>${FILTER_LABELS[name]}</a>`,
    )
    .join("");
  const rows = guests
    .map(
      (guest) => `<tr>
<td><input type="checkbox" name="ids" value="${escapeHtml(guest.id)}" aria-label="Select ${escapeHtml(guest.username)}"></td>${guestCells(guest, now)}
</tr>`,
    )
    .join("\n");
  const select = '<th scope="col"><span class="visually-hidden">Select</span></th>';
  const list =
    guests.length === 0
      ? `<p class="empty">${q ? `No guest's username starts with “${escapeHtml(q)}”.` : "No guests here."}</p>`
      : table(`${select}${GUEST_HEADERS}`, rows);
  const pager = [
    context.firstPage
      ? `<a class="button secondary" href="${escapeHtml(context.firstPage)}">← First page</a>`
      : "",
    context.nextPage
      ? `<a class="button secondary" href="${escapeHtml(context.nextPage)}" rel="next">Next page →</a>`
      : "",
  ].join("");
  const notice = context.notice
    ? `<p class="notice" role="status">${escapeHtml(context.notice)}</p>`
    : "";
  return `${adminTabs(paths, "list")}
${notice}<div class="card">
<h1>Guests</h1>
<p class="lead">${q ? `Usernames starting with “${escapeHtml(q)}”, A to Z.` : "Newest first."} Guests ${escapeHtml(expiryText(context.expiry))} are expired and go at the next clean-up.</p>
<div class="toolbar">
<form class="search" method="get" action="${escapeHtml(paths.list)}" role="search">
<input type="search" name="q" value="${escapeHtml(q)}" placeholder="Username starts with…" aria-label="Username starts with">
${filter === "all" ? "" : `<input type="hidden" name="filter" value="${escapeHtml(filter)}">`}<button type="submit" class="secondary">Search</button>
</form>
<div class="filters" aria-label="Show">${pills}</div>
</div>
<form method="post" action="${escapeHtml(paths.delete)}">
${csrf}
${list}
<div class="actions">
<button type="submit" class="danger"${guests.length === 0 ? " disabled" : ""}>Delete selected…</button>
<div class="pager">${pager}</div>
</div>
</form>
</div>
<div class="card">
<h2>Clean-up</h2>
<form method="post" action="${escapeHtml(paths.deleteExpired)}">
${csrf}
<p>Delete every guest ${escapeHtml(expiryText(context.expiry))}, in batches, as <code>guest-user delete-expired</code> does.</p>
<button type="submit" class="secondary">Delete all expired guests…</button>
</form>
</div>`;
}
