import { type FieldErrors, ValidationError } from "../../shared/errors.ts";
import { nextValue, withNext } from "../safe-next.ts";
import { jsonResponse, pageResponse, redirectAnswer } from "../views/respond.ts";
import type { Exchange } from "../views/view-kit.ts";
import type { AdminKit } from "./admin-kit.ts";

/** An error answer: JSON `{ error: { code, message } }` (plus `errors`), or the error page. */
export function adminError(
  exchange: Exchange,
  status: number,
  code: string,
  title: string,
  message: string,
  errors?: FieldErrors,
): Response {
  if (exchange.json)
    return jsonResponse(status, { error: { code, message }, ...(errors ? { errors } : {}) });
  const body = exchange.kit.templates.errorPage({ status, title, message });
  return pageResponse(exchange, status, title, body);
}

/**
 * A ValidationError as a 400 answer: a value no database can take (a NUL character...) keeps
 * its own code, `INVALID_INPUT`; the others answer `code` with the field errors' messages.
 * Any other error is thrown again.
 */
export function invalidAnswer(exchange: Exchange, error: unknown, code: string): Response {
  if (!(error instanceof ValidationError)) throw error;
  const { fieldErrors } = error;
  if (error.code === "INVALID_INPUT")
    return adminError(exchange, 400, error.code, "Bad request", error.message, fieldErrors);
  const message = Object.values(fieldErrors).flat().join(" ");
  return adminError(exchange, 400, code, "Bad request", message, fieldErrors);
}

/** `raw` as a whole number from 1 to `max` (with no more digits than `max`), else null. */
export function wholeNumberOf(raw: string, max: number): number | null {
  const value = Number(raw);
  const digits = new RegExp(`^\\d{1,${String(max).length}}$`);
  return digits.test(raw) && value >= 1 && value <= max ? value : null;
}

/**
 * Who may not see the admin: anonymous visitors go to the login page with `next` (JSON: 401
 * with `redirect`); guests and registered users whom `canAccess` refuses get 403. Null when
 * the visitor may go on.
 */
export async function refusal(exchange: Exchange, admin: AdminKit): Promise<Response | null> {
  const { state, url } = exchange;
  if (!state.user) {
    const { loginUrl } = admin.view.settings;
    // A POST cannot be replayed after the login: come back to the list instead.
    const back = exchange.request.method === "POST" ? new URL(admin.paths.list, url) : url;
    const location = withNext(loginUrl, "next", nextValue(back, loginUrl));
    return redirectAnswer(exchange, location, {
      status: 401,
      code: "LOGIN_REQUIRED",
      message: "Log in with an administrator's account to use the guest admin.",
    });
  }
  if (!state.isGuest && (await admin.canAccess(state.user))) return null;
  const message = "Your account may not use the guest admin. Ask an administrator for access.";
  return adminError(exchange, 403, "FORBIDDEN", "Forbidden", message);
}
