import type { AdminGuest, GuestFilter, ListGuestsOptions } from "../../core/operations/admin.ts";
import { jsonResponse, pageResponse } from "../views/respond.ts";
import type { Exchange } from "../views/view-kit.ts";
import type { AdminKit } from "./admin-kit.ts";
import { adminError, invalidAnswer, wholeNumberOf } from "./answers.ts";
import { expiryRuleOf, guestsText } from "./page-fragments.ts";

const FILTERS: readonly GuestFilter[] = ["all", "active", "expired"];

/** A guest in the list's JSON: times as ISO 8601 strings (UTC). */
export function guestJson(guest: AdminGuest) {
  return {
    id: guest.id,
    username: guest.username,
    createdAt: new Date(guest.createdAt).toISOString(),
    lastSeenAt: new Date(guest.lastSeenAt).toISOString(),
    expired: guest.expired,
    // issue 20: rows owned in the `ownership` tables (present only when some are declared)
    ...(guest.ownedRows === undefined || guest.ownedRows === null
      ? {}
      : { ownedRows: guest.ownedRows }),
  };
}

/** The list's query (`filter`, `q`, `after`, `limit`), or the message saying what is wrong. */
function listQuery(url: URL, pageSize: number): Required<ListGuestsOptions> | string {
  const params = url.searchParams;
  const filter = (params.get("filter") || "all") as GuestFilter;
  if (!FILTERS.includes(filter)) return 'filter must be "all", "active" or "expired".';
  const limit = wholeNumberOf(params.get("limit") ?? String(pageSize), 500);
  if (limit === null) return "limit must be a whole number from 1 to 500.";
  return { filter, q: params.get("q") ?? "", after: params.get("after") || null, limit };
}

/** A link to the list with these parameters (defaults left out). */
function listLink(
  admin: AdminKit,
  query: Required<ListGuestsOptions>,
  changes: Partial<ListGuestsOptions>,
) {
  const { filter, q, after, limit } = { ...query, ...changes };
  const params = new URLSearchParams();
  if (filter !== "all") params.set("filter", filter);
  if (q) params.set("q", q);
  if (limit !== admin.pageSize) params.set("limit", String(limit));
  if (after) params.set("after", after);
  const search = params.toString();
  return search ? `${admin.paths.list}?${search}` : admin.paths.list;
}

/**
 * `GET <prefix>`: one page of guests, newest first. JSON (`Accept: application/json`):
 * `{ guests: [{ id, username, createdAt, lastSeenAt, expired, ownedRows? }], next }` (`ownedRows` with `ownership` tables), times as ISO 8601
 * strings, `next` the cursor for `after=` (null on the last page). A bad `filter`, `limit`
 * (1 to 500) or `after` answers 400 `INVALID_QUERY`, saying which; a `q` no database can
 * search for (a NUL character, a lone surrogate) 400 `INVALID_INPUT`. HTML: the table, search, filters, pager.
 */
export async function listGuestsPage(exchange: Exchange, admin: AdminKit): Promise<Response> {
  const query = listQuery(exchange.url, admin.pageSize);
  if (typeof query === "string")
    return adminError(exchange, 400, "INVALID_QUERY", "Bad request", query);
  const { guestUsers } = admin.view.http;
  const page = await guestUsers
    .listGuests(query)
    .catch((error: unknown) => invalidAnswer(exchange, error, "INVALID_QUERY"));
  if (page instanceof Response) return page;
  if (exchange.json) {
    return jsonResponse(200, { guests: page.guests.map(guestJson), next: page.next });
  }
  const { settings } = admin.view;
  const deleted = exchange.url.searchParams.get("deleted");
  const body = admin.templates.guestList({
    guests: page.guests,
    filter: query.filter,
    q: (query.q ?? "").trim(),
    filterLinks: Object.fromEntries(
      FILTERS.map((filter) => [filter, listLink(admin, query, { filter, after: null })]),
    ) as Record<GuestFilter, string>,
    nextPage: page.next ? listLink(admin, query, { after: page.next }) : null,
    firstPage: query.after ? listLink(admin, query, { after: null }) : null,
    notice: deleted && /^\d{1,9}$/.test(deleted) ? `Deleted ${guestsText(Number(deleted))}.` : null,
    csrfToken: admin.view.http.csrfToken(exchange.request, exchange.state),
    paths: admin.paths,
    expiry: expiryRuleOf(settings),
    now: settings.clock(),
  });
  return pageResponse(exchange, 200, "Guests · Guest admin", body);
}
