import type { AdminGuest, GuestFilter, ListGuestsOptions } from "../../core/operations/admin.ts";
import { ValidationError } from "../../shared/errors.ts";
import { jsonResponse, pageResponse } from "../views/respond.ts";
import type { Exchange } from "../views/view-kit.ts";
import type { AdminKit } from "./admin-kit.ts";
import { adminError } from "./answers.ts";
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
  };
}

/** The list's query (`filter`, `q`, `after`, `limit`), or the message saying what is wrong. */
function listQuery(
  url: URL,
  pageSize: number,
): { ok: true; query: Required<ListGuestsOptions> } | { ok: false; message: string } {
  const params = url.searchParams;
  const filter = (params.get("filter") || "all") as GuestFilter;
  if (!FILTERS.includes(filter))
    return { ok: false, message: 'filter must be "all", "active" or "expired".' };
  const rawLimit = params.get("limit");
  const limit = rawLimit === null || rawLimit === "" ? pageSize : Number(rawLimit);
  if (!/^\d{1,3}$/.test(rawLimit ?? "1") || limit < 1 || limit > 500)
    return { ok: false, message: "limit must be a whole number from 1 to 500." };
  return {
    ok: true,
    query: { filter, q: params.get("q") ?? "", after: params.get("after") || null, limit },
  };
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
 * `{ guests: [{ id, username, createdAt, lastSeenAt, expired }], next }`, times as ISO 8601
 * strings, `next` the cursor for `after=` (null on the last page). A bad `filter`, `limit`
 * (1 to 500) or `after` answers 400 `INVALID_QUERY`, saying which; a `q` no database can
 * search for (a NUL character, a lone surrogate) 400 `INVALID_INPUT`. HTML: the table, search, filters, pager.
 */
export async function listGuestsPage(exchange: Exchange, admin: AdminKit): Promise<Response> {
  const parsed = listQuery(exchange.url, admin.pageSize);
  if (!parsed.ok) return adminError(exchange, 400, "INVALID_QUERY", "Bad request", parsed.message);
  const { query } = parsed;
  const { guestUsers } = admin.view.http;
  let page: Awaited<ReturnType<typeof guestUsers.listGuests>>;
  try {
    page = await guestUsers.listGuests(query);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A search no database can run (a NUL character...) keeps its own code: INVALID_INPUT.
    const invalidInput = error.code === "INVALID_INPUT";
    const message = invalidInput
      ? error.message
      : Object.values(error.fieldErrors).flat().join(" ");
    const code = invalidInput ? error.code : "INVALID_QUERY";
    return adminError(exchange, 400, code, "Bad request", message, error.fieldErrors);
  }
  if (exchange.json) {
    return jsonResponse(200, { guests: page.guests.map(guestJson), next: page.next });
  }
  const { settings } = admin.view;
  const deleted = exchange.url.searchParams.get("deleted");
  const body = admin.templates.guestList({
    guests: page.guests,
    filter: query.filter,
    q: (query.q ?? "").trim(),
    filterLinks: {
      all: listLink(admin, query, { filter: "all", after: null }),
      active: listLink(admin, query, { filter: "active", after: null }),
      expired: listLink(admin, query, { filter: "expired", after: null }),
    },
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
