/**
 * The built-in account views (convert, convert success, login, logout, sign-up) on Web
 * Request/Response, and the helpers the adapters and `guest-user` re-export.
 *
 * @example
 * ```ts
 * import { accountViews } from "./views/index.ts";
 * const routes = accountViews(http);
 * ```
 * @module
 */

export { accountViews } from "./account-views.ts";
export { BodyError, MAX_BODY_BYTES, type RequestBody, readBody } from "./body.ts";
export { convertSuccessView, convertView } from "./convert-view.ts";
export { deleteView } from "./delete-view.ts";
export { guestView } from "./guest-view.ts";
export { escapeHtml } from "./html.ts";
export { loginView, logoutView } from "./login-view.ts";
export { isJsonContentType, prefersJson, wantsJson } from "./negotiate.ts";
export { profileView } from "./profile-view.ts";
export { signupView } from "./signup-view.ts";
export { defaultTemplates, type FormContext, resolveTemplates } from "./templates.ts";
export { termsView } from "./terms-view.ts";
export type { AccountViewsOptions } from "./view-kit.ts";
