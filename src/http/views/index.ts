/**
 * The built-in account views on Web Request/Response, and the helpers the adapters and
 * `guest-user` re-export.
 * @module
 */

export { accountViews } from "./account-views.ts";
export { BodyError, MAX_BODY_BYTES, type RequestBody, readBody } from "./body.ts";
export { continueView } from "./continue-view.ts";
export { convertSuccessView, convertView, signupView } from "./convert-view.ts";
export { exportView } from "./export-view.ts";
export { guestView } from "./guest-view.ts";
export { escapeHtml } from "./html.ts";
export { loginView, logoutView } from "./login-view.ts";
export { isJsonContentType, prefersJson, wantsJson } from "./negotiate.ts";
export { deleteView, profileView } from "./profile-view.ts";
export { defaultTemplates, type FormContext, resolveTemplates } from "./templates.ts";
export { termsView } from "./terms-view.ts";
export type { AccountViewsOptions } from "./view-kit.ts";
