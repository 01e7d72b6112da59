import type { FieldErrors } from "../../shared/errors.ts";
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
  return adminError(
    exchange,
    403,
    "FORBIDDEN",
    "Forbidden",
    "Your account may not use the guest admin. Ask an administrator for access.",
  );
}
