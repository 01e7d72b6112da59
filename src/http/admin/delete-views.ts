import { jsonResponse, pageResponse } from "../views/respond.ts";
import { readSubmission } from "../views/submission.ts";
import type { Exchange } from "../views/view-kit.ts";
import type { AdminKit } from "./admin-kit.ts";
import { invalidAnswer } from "./answers.ts";
import { guestJson } from "./list-view.ts";
import { expiryRuleOf } from "./page-fragments.ts";
import type { ConfirmDeleteContext } from "./template-contexts.ts";

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/**
 * Reads the POST (size, encoding and CSRF checked by readSubmission: 403 without a valid
 * token). A form's `ids` repeats (one per checkbox), so they are read from a copy of the
 * body: readSubmission keeps the first value of each field only. Gives every posted `ids`
 * value and whether the POST confirms.
 */
async function readDeleteRequest(exchange: Exchange) {
  const { request } = exchange;
  const isForm = FORM_TYPES.test(request.headers.get("content-type") ?? "");
  const copy = isForm ? request.clone() : null;
  const { ids: posted, confirm } = (await readSubmission(exchange)).fields;
  const ids: unknown[] = copy
    ? (await copy.formData()).getAll("ids").filter((id) => typeof id === "string")
    : [posted ?? []].flat(); // none, one id, or an array of them
  return { ids, confirmed: confirm === true || confirm === "1" || confirm === "true" };
}

/** Where the list shows how many went. */
const afterDeletion = (admin: AdminKit, deleted: number) =>
  new Response(null, {
    status: 303,
    headers: { location: `${admin.paths.list}?deleted=${deleted}`, "cache-control": "no-store" },
  });

/**
 * Before a deletion: JSON answers 400 `CONFIRMATION_REQUIRED` with the guests found (or how
 * many are expired); HTML shows the confirmation page, `page` completing its context.
 */
function confirmation(
  exchange: Exchange,
  admin: AdminKit,
  page: Pick<ConfirmDeleteContext, "kind" | "guests" | "ids" | "skipped" | "expiredCount">,
): Response {
  const selected = page.kind === "selected";
  if (exchange.json) {
    const message = selected
      ? "Post the same ids with confirm: true to delete these guests."
      : "Post again with confirm: true to delete every expired guest.";
    const found = selected
      ? { guests: page.guests.map(guestJson) }
      : { expired: page.expiredCount };
    return jsonResponse(400, { error: { code: "CONFIRMATION_REQUIRED", message }, ...found });
  }
  const body = admin.templates.confirmDelete({
    ...page,
    action: selected ? admin.paths.delete : admin.paths.deleteExpired,
    csrfToken: admin.view.http.csrfToken(exchange.request, exchange.state),
    expiry: expiryRuleOf(admin.view.settings),
    paths: admin.paths,
    now: admin.view.settings.clock(),
  });
  const title = selected ? "Delete guests?" : "Delete expired guests?";
  return pageResponse(exchange, 200, `${title} · Guest admin`, body);
}

/**
 * `POST <prefix>delete/` with `ids` (one field per id, or a JSON array) and the CSRF token.
 * Without `confirm`: HTML shows the confirmation page (the guests among the ids; registered
 * users are listed as kept), JSON answers 400 `CONFIRMATION_REQUIRED` with those `guests`.
 * With `confirm=1` (JSON `confirm: true`): deletes the guests among the ids in one
 * transaction (a registered user's id is ignored), then HTML goes 303 to the list, JSON
 * answers `{ deleted }`.
 */
export async function deleteSelected(exchange: Exchange, admin: AdminKit): Promise<Response> {
  const { guestUsers } = admin.view.http;
  const { ids, confirmed } = await readDeleteRequest(exchange);
  try {
    if (confirmed) {
      const deleted = await guestUsers.deleteGuests(ids, { by: "admin" });
      return exchange.json ? jsonResponse(200, { deleted }) : afterDeletion(admin, deleted);
    }
    const guests = await guestUsers.getGuests(ids);
    return confirmation(exchange, admin, {
      kind: "selected",
      guests,
      ids: guests.map((guest) => guest.id),
      skipped: new Set(ids.map((id) => String(id).trim())).size - guests.length,
      expiredCount: 0,
    });
  } catch (error) {
    return invalidAnswer(exchange, error, "INVALID_IDS");
  }
}

/**
 * `POST <prefix>delete-expired/` with the CSRF token. Without `confirm`: HTML shows how many
 * guests are expired and asks; JSON answers 400 `CONFIRMATION_REQUIRED` with `expired`. With
 * `confirm=1` (JSON `confirm: true`): runs `guestUsers.deleteExpired()`, the same batched
 * clean-up as `guest-user delete-expired`, then HTML goes 303 to the list, JSON answers
 * `{ deleted, sessionsDeleted }`.
 */
export async function deleteExpired(exchange: Exchange, admin: AdminKit): Promise<Response> {
  const { guestUsers } = admin.view.http;
  const { confirmed } = await readDeleteRequest(exchange);
  if (confirmed) {
    const { deleted, sessionsDeleted } = await guestUsers.deleteExpired();
    return exchange.json
      ? jsonResponse(200, { deleted, sessionsDeleted })
      : afterDeletion(admin, deleted);
  }
  const { expired } = await guestUsers.stats();
  const page = { kind: "expired", guests: [], ids: [], skipped: 0, expiredCount: expired } as const;
  return confirmation(exchange, admin, page);
}
