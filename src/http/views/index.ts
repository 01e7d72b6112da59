/**
 * The built-in account views (convert, convert success, login, logout, sign-up) on Web
 * Request/Response, their templates and the helpers they are made of.
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
export { TRANSPORT_HEADER } from "./define-view.ts";
export { deleteView, WRONG_PASSWORD } from "./delete-view.ts";
export { guestView } from "./guest-view.ts";
export { escapeHtml } from "./html.ts";
export { INVALID_LOGIN, LOGIN_FIELDS, loginView } from "./login-view.ts";
export { logoutView } from "./logout-view.ts";
export { isJsonContentType, prefersJson, wantsJson } from "./negotiate.ts";
export {
  type DeleteContext,
  formatDate,
  type ProfileContext,
  type ProfileLinks,
  type ProfileTemplates,
  profileTemplates,
} from "./profile-templates.ts";
export { profileView } from "./profile-view.ts";
export { signupView } from "./signup-view.ts";
export {
  type AccountLinks,
  defaultTemplates,
  type ErrorPageContext,
  type FormContext,
  type LayoutContext,
  resolveTemplates,
  type SuccessContext,
  type Templates,
} from "./templates.ts";
export {
  ACCEPT_TERMS_FIELD,
  type TermsFormContext,
  type TermsTemplates,
  termsCheckbox,
  termsTemplates,
} from "./terms-template.ts";
export { acceptsTerms, MUST_ACCEPT_TERMS, termsView } from "./terms-view.ts";
export type { AccountViewsOptions } from "./view-kit.ts";
