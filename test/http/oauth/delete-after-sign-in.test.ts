/**
 * A socially-made account whose sign-in is too old to delete itself is sent to sign in again
 * with its provider: the delete page links the mounted provider's start path (coming back to
 * the delete page), and after that real sign-in (oauth2-mock-server) it deletes itself by
 * confirming. Issue 17, finding 6.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeHtml } from "../../../src/http/escape.ts";
import { type CookieJar, cookieHeader, storeSetCookies } from "../../support/cookies.ts";
import { describeEachDatabase, testClock } from "../../support/guest-users.ts";
import { client, FRAMEWORKS, type MockIssuer, SECRET, startApp, startIssuer } from "./support.ts";

const DELETE = "/accounts/delete/";
const SIGN_IN_AGAIN = "/accounts/oauth/oidc/start/?next=/accounts/delete/";

let issuer: MockIssuer;
beforeAll(async () => {
  issuer = await startIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

/** POSTs the delete form with the browser's cookies. */
async function postDelete(base: string, jar: CookieJar, form: Record<string, string>) {
  const response = await fetch(new URL(DELETE, base), {
    method: "POST",
    redirect: "manual",
    headers: {
      cookie: cookieHeader(jar),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form),
  });
  storeSetCookies(jar, response);
  return response;
}

/** The delete form's csrf_token, or null when the page shows no form. */
function deleteFormToken(html: string): string | null {
  const form =
    /<form method="post" action="\/accounts\/delete\/"[^>]*>[\s\S]*?name="csrf_token" value="([^"]+)"/;
  return form.exec(html)?.[1] ?? null;
}

describeEachDatabase(
  "a stale social account signs in again with its provider, then deletes itself",
  (fx) => {
    describe.each(FRAMEWORKS)("%s", (framework) => {
      it("links the provider's sign-in; after it, confirming deletes the account", async () => {
        const clock = testClock(Date.now());
        const gu = await fx.open({
          secret: SECRET,
          tablePrefix: `oadel_${framework}_`,
          clock: clock.now,
        });
        const app = await startApp(framework, gu, issuer, { accountViews: true });
        try {
          issuer.claims = { sub: `${framework}-leaver`, preferred_username: "Leaver" };
          const browser = client(app.url);
          expect((await browser.signIn()).status).toBe(302);
          const user = await browser.user();
          expect(user).toMatchObject({ username: "Leaver", isGuest: false });
          const userId = user?.id as number;

          clock.advance(11 * 60);
          const stale = await (await browser.get(DELETE)).text();
          expect(stale).toContain(
            `<a href="${escapeHtml(SIGN_IN_AGAIN)}">Sign in again with OpenID Connect</a>`,
          );
          expect(stale).toContain("Sign in again with OpenID Connect, then delete it.");
          expect(deleteFormToken(stale)).toBeNull();
          const { csrfToken } = (await (
            await browser.get(DELETE, { accept: "application/json" })
          ).json()) as { csrfToken: string };
          const refused = await postDelete(app.url, browser.jar, { csrf_token: csrfToken });
          expect(refused.status).toBe(403);
          expect(await gu.getUser(userId)).not.toBeNull();

          // Follow the link: the provider approves, the callback signs in (a new session) and
          // comes back to the delete page.
          const start = await browser.get(SIGN_IN_AGAIN);
          expect(start.status).toBe(302);
          const authorized = await browser.get(start.headers.get("location") ?? "");
          const callback = await browser.get(authorized.headers.get("location") ?? "");
          expect(callback.status).toBe(302);
          expect(callback.headers.get("location")).toBe(DELETE);

          const fresh = await (await browser.get(DELETE)).text();
          const token = deleteFormToken(fresh);
          expect(token).not.toBeNull();
          expect(fresh).not.toContain('name="password"');
          const deleted = await postDelete(app.url, browser.jar, { csrf_token: token as string });
          expect(deleted.status).toBe(302);
          expect(await gu.getUser(userId)).toBeNull();
          expect(await browser.user()).toBeNull();
        } finally {
          await app.close();
        }
      });
    });
  },
);
