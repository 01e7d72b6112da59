import type { TermsOptions } from "../../core/config/options.ts";
import type { FormField, User } from "../../core/model/types.ts";
import type { FieldErrors } from "../../shared/errors.ts";
import { type ContinueTemplates, continueTemplates } from "./continue-templates.ts";
import { errorList, escapeHtml, formHead, htmlDocument, logOutForm } from "./html.ts";
import { type ProfileTemplates, profileTemplates } from "./profile-templates.ts";
import { type QuotaTemplates, quotaTemplates } from "./quota-template.ts";
import {
  ACCEPT_TERMS_FIELD,
  type TermsFormContext,
  type TermsTemplates,
  termsCheckbox,
  termsTemplates,
} from "./terms-template.ts";

/** What {@link Templates.layout} gets: the page around every view. */
export interface LayoutContext {
  /** The page title (plain text: the layout escapes it). */
  readonly title: string;
  /** The page's main content: HTML rendered by another template, inserted as is. */
  readonly body: string;
  /** Who is signed in, or null. */
  readonly user: User | null;
  /**
   * The CSRF token for forms in the layout, such as a log-out button in its header (hidden
   * input `csrf_token`). Always given by the built-in views.
   */
  readonly csrfToken?: string;
  /** Where a log-out form posts (`logoutPath`). Always given by the built-in views. */
  readonly logoutUrl?: string;
  /** The account page (`profilePath`). Always given by the built-in views. */
  readonly profileUrl?: string;
}

/** Links between the account pages, already carrying `next` when there is one. */
export interface AccountLinks {
  readonly login: string;
  readonly signup: string;
  readonly convert: string;
}

/** What the form templates (convert, login, signup) get. */
export interface FormContext extends Pick<TermsFormContext, "csrfToken" | "next" | "action"> {
  /** The inputs, in order. */
  readonly fields: readonly FormField[];
  /** Values to show again after an invalid post; passwords are never among them. */
  readonly values: Readonly<Record<string, string>>;
  /** Messages per field; `""` holds errors of the whole form. */
  readonly errors: FieldErrors;
  /** The other account pages. */
  readonly links: AccountLinks;
  /**
   * The terms of service to accept with this form (convert and sign-up when the `terms`
   * option is set: render {@link termsCheckbox}), else null.
   * @default null
   */
  readonly terms?: TermsOptions | null;
  /** Who is signed in, or null. Always given by the built-in views. */
  readonly user?: User | null;
  /**
   * True when logging in merges a guest's work into the account (a `merged` listener is
   * registered): the convert page then says so instead of "stays with the guest account".
   * @default false
   */
  readonly mergesOnLogin?: boolean;
}

/** What {@link Templates.convertSuccess} gets. */
export interface SuccessContext {
  /** The user, now registered (same id as the guest was). */
  readonly user: User;
  /** Where "Continue" leads. */
  readonly continueUrl: string;
}

/** What {@link Templates.errorPage} gets (403, 405, 413, 500, 503...). */
export interface ErrorPageContext {
  readonly status: number;
  readonly title: string;
  /** A short, visitor-safe explanation (never a stack trace). */
  readonly message: string;
  /** Who is signed in, or null. Always given by the built-in views. */
  readonly user?: User | null;
  /** The CSRF token for a form on the page. Always given by the built-in views. */
  readonly csrfToken?: string;
}

/**
 * The HTML of the built-in views: plain functions returning strings. Replace any of them
 * through `accountViews(http, { templates: { ... } })`. Every function but `layout` returns
 * the page's main content; `layout` wraps it. Whatever you write, escape every value (see
 * {@link escapeHtml}).
 *
 * @example
 * ```ts
 * accountViews(http, {
 *   templates: { layout: ({ title, body }) => `<!doctype html><title>${escapeHtml(title)}</title>${body}` },
 * });
 * ```
 */
export interface Templates
  extends ProfileTemplates,
    TermsTemplates,
    ContinueTemplates,
    QuotaTemplates {
  layout(context: LayoutContext): string;
  convertForm(context: FormContext): string;
  convertSuccess(context: SuccessContext): string;
  loginForm(context: FormContext): string;
  signupForm(context: FormContext): string;
  errorPage(context: ErrorPageContext): string;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
header{font-size:.875rem;color:#555;margin-bottom:1.5rem}
header form{display:inline}
header button{margin:0;padding:0;background:none;color:#1a56db;text-decoration:underline;font-size:inherit}
button.danger{background:#b00020}
label{display:block;font-weight:600;margin-top:1rem}
input{box-sizing:border-box;width:100%;padding:.5rem;font:inherit;border:1px solid #888;border-radius:4px}
input[aria-invalid=true]{border-color:#b00020}
small{display:block;color:#555}
.errors{color:#b00020;margin:.25rem 0;padding-left:1.25rem}
button{margin-top:1.5rem;padding:.5rem 1.25rem;font:inherit;border:0;border-radius:4px;background:#1a56db;color:#fff;cursor:pointer}`;

function fieldHtml(field: FormField, context: FormContext): string {
  const id = `id_${field.name}`;
  const type = field.type ?? "text";
  const messages = context.errors[field.name];
  const describedBy = [messages?.length ? `${id}_errors` : "", field.help ? `${id}_help` : ""]
    .filter(Boolean)
    .join(" ");
  // Passwords are never sent back to the browser, even if a caller passes one.
  const value = type === "password" ? undefined : context.values[field.name];
  const attributes = [
    `id="${escapeHtml(id)}"`,
    `name="${escapeHtml(field.name)}"`,
    `type="${escapeHtml(type)}"`,
    field.autocomplete ? `autocomplete="${escapeHtml(field.autocomplete)}"` : "",
    value ? `value="${escapeHtml(value)}"` : "",
    "required",
    describedBy ? `aria-describedby="${escapeHtml(describedBy)}"` : "",
    messages?.length ? 'aria-invalid="true"' : "",
  ].filter(Boolean);
  return `<p>
<label for="${escapeHtml(id)}">${escapeHtml(field.label)}</label>
<input ${attributes.join(" ")}>
${errorList(messages, `${id}_errors`)}${field.help ? `<small id="${escapeHtml(id)}_help">${escapeHtml(field.help)}</small>` : ""}
</p>`;
}

function form(context: FormContext, submit: string): string {
  const shown = context.fields.map((field) => field.name);
  return `<form method="post" action="${escapeHtml(context.action)}">
${formHead(context, context.terms ? [...shown, ACCEPT_TERMS_FIELD] : shown)}
${context.fields.map((field) => fieldHtml(field, context)).join("\n")}
${context.terms ? termsCheckbox(context.terms, context.errors) : ""}<button type="submit">${escapeHtml(submit)}</button>
</form>`;
}

/** The built-in templates: clean semantic HTML with a little inline CSS. */
export const defaultTemplates: Templates = {
  layout: ({ title, body, user, csrfToken, logoutUrl, profileUrl }) => {
    const name = user && `<strong>${escapeHtml(user.username)}</strong>`;
    const who = user
      ? `<header>Signed in as ${profileUrl ? `<a href="${escapeHtml(profileUrl)}">${name}</a>` : name}${user.isGuest ? " (guest)" : ""}${logOutForm(csrfToken, logoutUrl)}</header>\n`
      : "";
    return htmlDocument({ title, style: STYLE, body: `${who}<main>\n${body}\n</main>` });
  },

  convertForm: (context) => `<h1>Save your account</h1>
<p>You are using a temporary guest account. Choose a username and a password to keep everything you have done so far.</p>
${form(context, "Save my account")}
<p>Already have an account? <a href="${escapeHtml(context.links.login)}">Log in</a> (${context.mergesOnLogin ? "what you did as a guest comes with you" : "what you did as a guest stays with the guest account"}).</p>`,

  convertSuccess: ({ user, continueUrl }) => `<h1>Your account is saved</h1>
<p>You are now registered as <strong>${escapeHtml(user.username)}</strong>. Everything you did as a guest is still here.</p>
<p><a href="${escapeHtml(continueUrl)}">Continue</a></p>`,

  loginForm: (context) => `<h1>Log in</h1>
${form(context, "Log in")}
<p>No account yet? <a href="${escapeHtml(context.links.signup)}">Sign up</a></p>`,

  signupForm: (context) => `<h1>Sign up</h1>
${form(context, "Sign up")}
<p>Already have an account? <a href="${escapeHtml(context.links.login)}">Log in</a></p>`,

  errorPage: ({ status, title, message }) => `<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><small>Error ${escapeHtml(status)}</small></p>`,

  ...profileTemplates,
  ...termsTemplates,
  ...continueTemplates,
  ...quotaTemplates,
};

/** The built-in templates with some replaced. */
export function resolveTemplates(overrides: Partial<Templates> = {}): Templates {
  const templates: Templates = { ...defaultTemplates };
  for (const name of Object.keys(defaultTemplates) as (keyof Templates)[]) {
    const override = overrides[name];
    if (typeof override === "function") Object.assign(templates, { [name]: override });
  }
  return templates;
}
