import type { Settings } from "../../core/config/settings.ts";
import type { AdminGuest } from "../../core/operations/admin.ts";
import { escapeHtml } from "../views/html.ts";
import { formatBytes, formatCount, formatDuration, formatTime, timeAgo } from "./format.ts";
import type { AdminPaths, ExpiryRule } from "./template-contexts.ts";

/** The Guests / Funnel tabs at the top of each admin page. */
export function adminTabs(paths: AdminPaths, current: "list" | "funnel"): string {
  const tab = (name: "list" | "funnel", label: string) =>
    `<a href="${escapeHtml(paths[name])}"${name === current ? ' aria-current="page"' : ""}>${label}</a>`;
  return `<nav class="tabs" aria-label="Admin">${tab("list", "Guests")}${tab("funnel", "Funnel")}</nav>`;
}

/** A time cell: "3 days ago", the exact UTC time as its tooltip and `datetime`. */
function timeCell(millis: number, now: number): string {
  const iso = new Date(millis).toISOString();
  return `<td><time datetime="${escapeHtml(iso)}" title="${escapeHtml(formatTime(millis))}">${escapeHtml(timeAgo(millis, now))}</time></td>`;
}

/** A guest's cells after any checkbox: username, created, last seen, status, data size. */
export function guestCells(guest: AdminGuest, now: number): string {
  const status = guest.expired ? "Expired" : "Active";
  const badge = `<span class="badge ${status.toLowerCase()}">${status}</span>`;
  return `<td class="name">${escapeHtml(guest.username)}</td>${timeCell(guest.createdAt, now)}${timeCell(guest.lastSeenAt, now)}<td>${badge}</td><td class="num">${escapeHtml(dataText(guest))}</td>`;
}

/** The data column: the `ownership` tables' rows it owns (when declared), and its JSON data. */
function dataText(guest: AdminGuest): string {
  const bytes = formatBytes(guest.dataSize);
  if (guest.ownedRows === undefined || guest.ownedRows === null) return bytes;
  const rows = `${guest.ownedRows} ${guest.ownedRows === 1 ? "row" : "rows"}`;
  return guest.dataSize > 0 ? `${rows} · ${bytes}` : rows;
}

/** The header cells matching {@link guestCells}. */
export const GUEST_HEADERS =
  '<th scope="col">Username</th><th scope="col">Created</th><th scope="col">Last seen</th><th scope="col">Status</th><th scope="col" class="num">Data</th>';

/** A table: `head` the header row's cells, `rows` the body's rows. */
export function table(head: string, rows: string): string {
  return `<table>
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** "older than 14 days, counted from their creation" (and what the retention rule keeps). */
export function expiryText(expiry: ExpiryRule): string {
  const from = expiry.expireBy === "lastSeenAt" ? "their last visit" : "their creation";
  const kept =
    expiry.maxAgeIfKept === undefined
      ? ""
      : expiry.maxAgeIfKept === null
        ? " (except the guests the retention rule keeps)"
        : ` (${formatDuration(expiry.maxAgeIfKept)} for the guests the retention rule keeps)`;
  return `older than ${formatDuration(expiry.maxAge)}${kept}, counted from ${from}`;
}

/** The admin's {@link ExpiryRule} from the settings. */
export function expiryRuleOf(
  settings: Pick<Settings, "maxAge" | "expireBy" | "retention">,
): ExpiryRule {
  const { maxAge, expireBy, retention } = settings;
  return retention.keepIf
    ? { maxAge, expireBy, maxAgeIfKept: retention.maxAgeIfKept }
    : { maxAge, expireBy };
}

/** "1 guest", "3 guests". */
export function guestsText(count: number): string {
  return `${formatCount(count)} guest${count === 1 ? "" : "s"}`;
}
