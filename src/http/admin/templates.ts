import { escapeHtml, htmlDocument, logOutForm } from "../views/html.ts";
import type { ErrorPageContext, LayoutContext } from "../views/templates.ts";
import { confirmDeleteTemplate } from "./confirm-template.ts";
import { funnelTemplate } from "./funnel-template.ts";
import { guestListTemplate } from "./list-template.ts";
import { ADMIN_STYLE } from "./style.ts";
import type {
  ConfirmDeleteContext,
  FunnelPageContext,
  GuestListContext,
} from "./template-contexts.ts";

/**
 * The admin pages' HTML: plain functions returning strings, each replaceable through
 * `adminViews(http, { templates: { ... } })`. `layout` wraps every page (including error
 * pages); the others return the page's main content. Escape every value you insert
 * ({@link escapeHtml}).
 *
 * @example
 * ```ts
 * adminViews(http, { canAccess, templates: { layout: ({ title, body }) => myAdminShell(title, body) } });
 * ```
 */
export interface AdminTemplates {
  layout(context: LayoutContext): string;
  guestList(context: GuestListContext): string;
  funnel(context: FunnelPageContext): string;
  confirmDelete(context: ConfirmDeleteContext): string;
  errorPage(context: ErrorPageContext): string;
}

/** The built-in admin templates: a wide layout with a dark top bar, cards and tables. */
export const defaultAdminTemplates: AdminTemplates = {
  layout: ({ title, body, user, csrfToken, logoutUrl }) => {
    const who = user
      ? `<span class="who">Signed in as <strong>${escapeHtml(user.username)}</strong>${logOutForm(csrfToken, logoutUrl)}</span>`
      : "";
    return htmlDocument({
      title,
      style: ADMIN_STYLE,
      body: `<div class="top"><strong>Guest admin</strong>${who}</div>\n<main>\n${body}\n</main>`,
    });
  },
  guestList: guestListTemplate,
  funnel: funnelTemplate,
  confirmDelete: confirmDeleteTemplate,
  errorPage: ({ status, title, message }) => `<div class="card">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><small class="muted">Error ${escapeHtml(status)}</small></p>
</div>`,
};
