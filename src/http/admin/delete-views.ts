import { ValidationError } from "../../shared/errors.ts";
import { jsonResponse, pageResponse } from "../views/respond.ts";
import { readSubmission, type Submission } from "../views/submission.ts";
import type { Exchange } from "../views/view-kit.ts";
import type { AdminKit } from "./admin-kit.ts";
import { adminError } from "./answers.ts";
import { guestJson } from "./list-view.ts";
import { expiryRuleOf } from "./page-fragments.ts";

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/** A checked POST: the CSRF-checked fields, every posted `ids` value, and `confirm`. */
interface DeleteRequest {
  readonly submission: Submission;
  readonly ids: readonly unknown[];
  readonly confirmed: boolean;
}

/**
 * Reads the POST (size, encoding and CSRF checked by readSubmission: 403 without a valid
 * token). A form's `ids` repeats (one per checkbox), so they are read from a copy of the
 * body: readSubmission keeps the first value of each field only.
 */
async function readDeleteRequest(exchange: Exchange): Promise<DeleteRequest> {
  const { request } = exchange;
  const isForm = FORM_TYPES.test(request.headers.get("content-type") ?? "");
  const copy = isForm ? request.clone() : null;
  const submission = await readSubmission(exchange);
  let ids: unknown[];
  if (copy) {
    ids = (await copy.formData()).getAll("ids").filter((id) => typeof id === "string");
  } else {
    const posted = submission.fields.ids;
    ids = posted === undefined || posted === null ? [] : Array.isArray(posted) ? posted : [posted];
  }
  const confirm = submission.fields.confirm;
  return { submission, ids, confirmed: confirm === true || confirm === "1" || confirm === "true" };
}

/** Where the list shows how many went. */
const afterDeletion = (admin: AdminKit, deleted: number) =>
  new Response(null, {
    status: 303,
    headers: { location: `${admin.paths.list}?deleted=${deleted}`, "cache-control": "no-store" },
  });

const expiryOf = (admin: AdminKit) => expiryRuleOf(admin.view.settings);

/** A ValidationError (malformed ids) as a 400 answer: `INVALID_IDS`, or `INVALID_INPUT`. */
function invalidIds(exchange: Exchange, error: ValidationError): Response {
  const invalidInput = error.code === "INVALID_INPUT";
  const message = invalidInput ? error.message : Object.values(error.fieldErrors).flat().join(" ");
  const code = invalidInput ? error.code : "INVALID_IDS";
  return adminError(exchange, 400, code, "Bad request", message, error.fieldErrors);
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
    if (exchange.json) {
      return jsonResponse(400, {
        error: {
          code: "CONFIRMATION_REQUIRED",
          message: "Post the same ids with confirm: true to delete these guests.",
        },
        guests: guests.map(guestJson),
      });
    }
    const distinct = new Set(ids.map((id) => String(id).trim())).size;
    const body = admin.templates.confirmDelete({
      kind: "selected",
      action: admin.paths.delete,
      csrfToken: admin.view.http.csrfToken(exchange.request, exchange.state),
      guests,
      ids: guests.map((guest) => guest.id),
      skipped: distinct - guests.length,
      expiredCount: 0,
      expiry: expiryOf(admin),
      paths: admin.paths,
      now: admin.view.settings.clock(),
    });
    return pageResponse(exchange, 200, "Delete guests? · Guest admin", body);
  } catch (error) {
    if (error instanceof ValidationError) return invalidIds(exchange, error);
    throw error;
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
  if (exchange.json) {
    return jsonResponse(400, {
      error: {
        code: "CONFIRMATION_REQUIRED",
        message: "Post again with confirm: true to delete every expired guest.",
      },
      expired,
    });
  }
  const body = admin.templates.confirmDelete({
    kind: "expired",
    action: admin.paths.deleteExpired,
    csrfToken: admin.view.http.csrfToken(exchange.request, exchange.state),
    guests: [],
    ids: [],
    skipped: 0,
    expiredCount: expired,
    expiry: expiryOf(admin),
    paths: admin.paths,
    now: admin.view.settings.clock(),
  });
  return pageResponse(exchange, 200, "Delete expired guests? · Guest admin", body);
}
