import type { User } from "guest-user";
import { CSRF_FIELD, escapeHtml } from "guest-user/templates";

/** The account pages the demo links to: the library's defaults. */
export const PATHS = {
  home: "/",
  /** The built-in convert view; `next` brings the new user back to their notes. */
  convert: "/convert/?next=/",
  login: "/accounts/login/",
  logout: "/accounts/logout/",
  signup: "/accounts/signup/",
  /** The library's account page: who you are, when a guest expires, log out, delete. */
  profile: "/accounts/profile/",
  /** The library's guest admin, mounted for the users `DEMO_ADMIN_USERS` names. */
  admin: "/admin/guests/",
} as const;

/** A "Sign in with ..." button: a social-login provider's start link. */
export interface SignInLink {
  /** The provider's name for visitors, e.g. "Acme ID". */
  readonly label: string;
  /** Its start route, carrying `next`. */
  readonly href: string;
}

/** What every page of the demo is made of. */
export interface PageContext {
  /** Plain text: escaped here. */
  readonly title: string;
  /** The page's main content, already HTML. */
  readonly body: string;
  /** Who is signed in, or null. */
  readonly user: User | null;
  /** A CSRF token for the header's logout button; without one the header links home instead. */
  readonly csrfToken?: string | null;
  /** Shows the "you are a guest" banner (for guests only). */
  readonly guestBanner?: boolean;
  /** Days a guest account is kept, for the banner. */
  readonly guestDays?: number;
  /** The admin link for this user (only for the administrators), else null. */
  readonly adminUrl?: string | null;
  /** "Sign in with ..." buttons for the guest banner (when a provider is configured). */
  readonly signIn?: readonly SignInLink[];
}

const STYLE = `
:root{--bg:#f5f6f8;--card:#fff;--text:#1b2130;--muted:#586175;--border:#d9dee7;--accent:#2f56d8;
--accent-hover:#2244b5;--on-accent:#fff;--danger:#b3261e;--banner:#fff5d6;--banner-border:#ecc95a;
--radius:12px;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#13161b;--card:#1c2027;--text:#e7e9ee;--muted:#a4acb9;
--border:#343a46;--accent:#8aa6ff;--accent-hover:#a9beff;--on-accent:#0d1326;--danger:#ff8f86;
--banner:#372f15;--banner-border:#6f5b1e}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text)}
a{color:var(--accent)}
a:hover{color:var(--accent-hover)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px;top:.5rem;background:var(--card);padding:.5rem .75rem;border-radius:8px}
.skip:focus{left:.5rem}
.site-header{background:var(--card);border-bottom:1px solid var(--border)}
.wrap{max-width:42rem;margin-left:auto;margin-right:auto;padding-left:1rem;padding-right:1rem}
.bar{min-height:3.75rem;display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap;padding-top:.75rem;padding-bottom:.75rem}
.brand{font-weight:700;font-size:1.2rem;color:var(--text);text-decoration:none}
.brand span{color:var(--accent)}
.account{display:flex;align-items:center;gap:.75rem;flex-wrap:wrap;margin:0;color:var(--muted);font-size:.95rem}
.account form{margin:0}
.badge{display:inline-block;padding:.1rem .55rem;border-radius:999px;background:var(--banner);border:1px solid var(--banner-border);color:var(--text);font-size:.85rem;font-weight:600}
.banner{margin-top:1rem;padding:.75rem 1rem;background:var(--banner);border:1px solid var(--banner-border);border-radius:var(--radius)}
.banner p{margin:0}
.banner small{display:block;color:var(--muted)}
main{margin-top:1.5rem;margin-bottom:3rem}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 1rem}
h2{font-size:1.1rem;margin:2rem 0 .75rem}
.card{background:var(--card);border:1px solid var(--border);border-radius:var(--radius);padding:1.25rem 1.5rem}
.card>:last-child{margin-bottom:0}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
.card label:first-of-type,.add-note label{margin-top:0}
input,textarea{display:block;width:100%;padding:.6rem .75rem;font:inherit;color:inherit;background:var(--bg);border:1px solid var(--border);border-radius:8px}
textarea{min-height:5.5rem;resize:vertical}
[aria-invalid=true]{border-color:var(--danger)}
small,.hint{display:block;margin:.3rem 0 0;color:var(--muted);font-size:.85rem}
.errors{margin:.4rem 0;padding:0;list-style:none;color:var(--danger);font-weight:600}
button{font:inherit;font-weight:600;padding:.55rem 1.15rem;border:1px solid transparent;border-radius:8px;background:var(--accent);color:var(--on-accent);cursor:pointer}
button:hover{background:var(--accent-hover)}
.card button[type=submit]{margin-top:1rem}
.button-link{background:none;border-color:var(--border);color:var(--text);padding:.3rem .8rem}
.button-link:hover{background:var(--bg)}
.row{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
.notes{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}
.note{display:flex;justify-content:space-between;align-items:flex-start;gap:1rem;background:var(--card);border:1px solid var(--border);border-radius:var(--radius);padding:.9rem 1rem}
.note-text{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.note time{display:block;margin-top:.25rem;color:var(--muted);font-size:.8rem}
.note form{margin:0;flex:none}
button.delete{background:none;border-color:var(--border);color:var(--danger);padding:.3rem .75rem;font-size:.875rem}
button.delete:hover{background:var(--bg)}
button.danger{background:var(--danger);color:var(--on-accent)}
button.danger:hover{background:var(--danger);filter:brightness(.9)}
.providers{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:.6rem 0 0}
.provider{display:inline-block;padding:.4rem .95rem;border:1px solid var(--border);border-radius:8px;background:var(--card);color:var(--text);font-weight:600;text-decoration:none}
.provider:hover{background:var(--bg);color:var(--text)}
.or{display:flex;align-items:center;gap:.75rem;color:var(--muted);font-size:.9rem;margin:1.25rem 0 .25rem}
.or::before,.or::after{content:"";flex:1;border-top:1px solid var(--border)}
.banner .providers{margin-top:.6rem}
.notice{margin:0 0 1rem;padding:.6rem .9rem;background:var(--banner);border:1px solid var(--banner-border);border-radius:8px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.25rem;margin:0 0 1rem}
dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere}
.empty{color:var(--muted);text-align:center;padding:1.5rem;border:2px dashed var(--border);border-radius:var(--radius)}
`;

const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='7' fill='%232f56d8'/%3E%3Cpath d='M9 10h14M9 16h14M9 22h9' stroke='white' stroke-width='3' stroke-linecap='round'/%3E%3C/svg%3E";

/** A hidden input with the CSRF token, for every POST form. */
export const csrfInput = (token: string) =>
  `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(token)}">`;

/** A "Sign in with ..." button per provider. */
export function signInButtons(links: readonly SignInLink[] | undefined): string {
  if (!links || links.length === 0) return "";
  const buttons = links
    .map(
      (link) =>
        `<a class="provider" href="${escapeHtml(link.href)}">Sign in with ${escapeHtml(link.label)}</a>`,
    )
    .join("");
  return `<p class="providers">${buttons}</p>`;
}

function accountNav(page: PageContext): string {
  const { user, csrfToken, adminUrl } = page;
  if (!user) {
    return `<a href="${PATHS.login}">Log in</a> <a href="${PATHS.signup}">Sign up</a>`;
  }
  const account = `<a href="${PATHS.profile}">Your account</a>`;
  if (user.isGuest) {
    return `<span class="badge">Guest</span> ${account} <a href="${PATHS.login}">Log in</a>`;
  }
  const who = `<span>Signed in as <strong class="username">${escapeHtml(user.username)}</strong></span>`;
  const admin = adminUrl ? ` <a href="${escapeHtml(adminUrl)}">Admin</a>` : "";
  if (!csrfToken) return `${who} ${account}${admin} <a href="${PATHS.home}">Your notes</a>`;
  return `${who} ${account}${admin}
<form method="post" action="${PATHS.logout}">${csrfInput(csrfToken)}<button type="submit" class="button-link">Log out</button></form>`;
}

function banner(days: number | undefined, signIn: readonly SignInLink[] | undefined): string {
  const kept = days ? `<small>Guest accounts are deleted after ${days} days.</small>` : "";
  return `<div class="wrap"><aside class="banner" aria-label="Guest account">
<p>You are a guest: <a href="${escapeHtml(PATHS.convert)}">sign up to keep your work</a></p>${signInButtons(signIn)}${kept}
</aside></div>`;
}

/** The whole HTML document around a page's content: header, optional guest banner, main. */
export function layout(page: PageContext): string {
  const { user } = page;
  const userId = user ? ` data-user-id="${escapeHtml(user.id)}"` : "";
  const guestBanner = page.guestBanner && user?.isGuest ? banner(page.guestDays, page.signIn) : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Notes</title>
<link rel="icon" href="${FAVICON}">
<style>${STYLE}</style>
</head>
<body${userId}>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
<div class="wrap bar">
<a class="brand" href="${PATHS.home}">Notes<span>.</span></a>
<nav class="account" aria-label="Account">${accountNav(page)}</nav>
</div>
</header>
${guestBanner}
<main id="main" class="wrap">
${page.body}
</main>
</body>
</html>
`;
}
