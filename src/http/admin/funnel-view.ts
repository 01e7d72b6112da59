import { MAX_FUNNEL_DAYS } from "../../core/operations/funnel.ts";
import { jsonResponse, pageResponse } from "../views/respond.ts";
import type { Exchange } from "../views/view-kit.ts";
import type { AdminKit } from "./admin-kit.ts";
import { adminError, wholeNumberOf } from "./answers.ts";

/**
 * `GET <prefix>funnel/`: the conversion funnel of the last 30 days (`?days=N` for 1 to
 * 3660). JSON: `{ days: [{ day, created, converted, merged, deleted, convertedAfterQuota }],
 * totals: { created, converted, merged, deleted, convertedAfterQuota, conversionRate } }`, every day of the window oldest first.
 * HTML: totals, the chart and the table.
 */
export async function funnelPage(exchange: Exchange, admin: AdminKit): Promise<Response> {
  const days = wholeNumberOf(exchange.url.searchParams.get("days") || "30", MAX_FUNNEL_DAYS);
  if (days === null) {
    const message = `days must be a whole number from 1 to ${MAX_FUNNEL_DAYS}.`;
    return adminError(exchange, 400, "INVALID_QUERY", "Bad request", message);
  }
  const funnel = await admin.view.http.guestUsers.funnel({ days });
  if (exchange.json) return jsonResponse(200, { days: funnel.days, totals: funnel.totals });
  const body = admin.templates.funnel({ ...funnel, paths: admin.paths });
  return pageResponse(exchange, 200, "Funnel · Guest admin", body);
}
