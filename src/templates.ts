/**
 * `guest-user/templates`: the built-in HTML templates of the account views, the types of what
 * each receives, and the helpers a template of your own needs (escaping, the CSRF input, the
 * terms checkbox). Pass your templates as `accountViews(http, { templates })`: the ones you
 * leave out stay built-in.
 *
 * @example
 * ```ts
 * import { accountViews } from "guest-user";
 * import { defaultTemplates, escapeHtml } from "guest-user/templates";
 * const routes = accountViews(http, {
 *   templates: {
 *     layout: (context) => defaultTemplates.layout({ ...context, title: `${context.title} · My app` }),
 *     convertSuccess: ({ user }) => `<p>Welcome, ${escapeHtml(user.username)}!</p>`,
 *   },
 * });
 * ```
 * @module
 */

export { CSRF_FIELD, csrfInput } from "./http/csrf.ts";
export { escapeHtml } from "./http/escape.ts";
export type {
  ContinueConfirmContext,
  ContinueLinkView,
  ContinueTemplates,
} from "./http/views/continue-templates.ts";
export {
  type DeleteContext,
  type ProfileContext,
  type ProfileLinks,
  type ProfileTemplates,
  type SignInAgain,
  type SignInLink,
  signInAgainMessage,
} from "./http/views/profile-templates.ts";
export type { QuotaPageContext, QuotaTemplates } from "./http/views/quota-template.ts";
export {
  type AccountLinks,
  defaultTemplates,
  type ErrorPageContext,
  type FormContext,
  type LayoutContext,
  type SuccessContext,
  type Templates,
} from "./http/views/templates.ts";
export {
  ACCEPT_TERMS_FIELD,
  type TermsFormContext,
  type TermsTemplates,
  termsCheckbox,
} from "./http/views/terms-template.ts";
