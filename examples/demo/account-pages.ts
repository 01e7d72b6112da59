import type { User } from "guest-user";
import { defaultTemplates, type FormContext, type Templates } from "guest-user/templates";
import { layout, type SignInLink, signInButtons } from "./layout.ts";

/** What the demo's versions of the library's pages need to know. */
export interface AccountPagesOptions {
  /** The admin link for this user, or null (see `adminAccess`). */
  readonly adminUrlFor: (user: User | null) => string | null;
  /** The "Sign in with ..." links, coming back to `next`; none without a provider. */
  readonly signIn: (next: string) => readonly SignInLink[];
}

/** Inserts `html` right after the page's heading (or first, should there be none). */
function afterHeading(page: string, html: string): string {
  if (!html) return page;
  const end = page.indexOf("</h1>");
  if (end < 0) return `${html}\n${page}`;
  const at = end + "</h1>".length;
  return `${page.slice(0, at)}\n${html}${page.slice(at)}`;
}

/** The provider buttons under a form, behind an "or" rule. */
function otherWays(options: AccountPagesOptions, context: FormContext): string {
  const links = options.signIn(context.next ?? "/");
  return links.length > 0 ? `\n<p class="or">or</p>\n${signInButtons(links)}` : "";
}

/**
 * The library's account pages (convert, login, sign-up, the account page, deletion...) in the
 * demo's look: its layout (header with "Your account", "Admin", "Log out"), and on the login
 * and convert pages the "Sign in with ..." buttons and what happens to a guest's notes.
 */
export function accountTemplates(
  options: AccountPagesOptions,
): Pick<Templates, "layout" | "loginForm" | "convertForm"> {
  return {
    layout: ({ title, body, user, csrfToken }) =>
      layout({
        title,
        body: `<div class="card">${body}</div>`,
        user,
        csrfToken: csrfToken ?? null,
        adminUrl: options.adminUrlFor(user),
      }),

    loginForm: (context) => {
      const guest = context.user?.isGuest
        ? `<p class="notice">You are using a guest account: when you log in, its notes are added to your account.</p>`
        : "";
      return afterHeading(defaultTemplates.loginForm(context), guest) + otherWays(options, context);
    },

    // The demo's `merged` listener moves the notes, so the library's page says they come along.
    convertForm: (context) => defaultTemplates.convertForm(context) + otherWays(options, context),
  };
}
