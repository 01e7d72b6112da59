/**
 * An account made only through a social identity has no password to confirm its deletion
 * with (issue 17, finding 6): it deletes itself by confirming (CSRF) within
 * `recentSignInSeconds` of its sign-in; later it is asked to sign in again and nothing is
 * deleted. Accounts with a password keep confirming with it. Real servers on the three
 * adapters, the identity made through the core API (`createUserWithIdentity`).
 */
import { describe, expect, it } from "vitest";
import type { GuestUsers } from "../../src/index.ts";
import { adapterServers, serverPerTest, uniquePrefix } from "../support/adapter-servers.ts";
import { cookieClient } from "../support/cookies.ts";
import { describeEachDatabase, testClock } from "../support/guest-users.ts";
import { setup } from "./views/client.ts";

const SECRET = "d".repeat(40);
const SESSION = "guest_user_session";
const PASSWORD = "Zebra-Quantum-77!";
const DELETE = "/accounts/delete/";
const PROFILE = "/accounts/profile/";
const DELETE_FORM = `<form method="post" action="${DELETE}"`;

/** The csrf_token of the first form posting to `action` in a page. */
function formToken(html: string, action: string): string {
  const escaped = action.replaceAll("/", "\\/");
  const form = new RegExp(
    `<form method="post" action="${escaped}"[^>]*>[\\s\\S]*?name="csrf_token" value="([^"]+)"`,
  ).exec(html);
  if (!form?.[1]) throw new Error(`no form posting to ${action} in ${html}`);
  return form[1];
}

/** A browser signed in as `userId` through a new session (a sign-in now, by the GuestUsers' clock). */
async function signedIn(base: string, gu: GuestUsers, userId: string | number) {
  const { jar, send } = cookieClient(base);
  jar.set(SESSION, (await gu.createSession(userId)).token);
  const post = (form: Record<string, string>) =>
    send(DELETE, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
    });
  const json = (path: string) => send(path, { headers: { accept: "application/json" } });
  return { jar, send, post, json };
}

describeEachDatabase(
  "recentSignInSeconds",
  (fx) => {
    it("sets how recent the sign-in of an account without a password must be", async () => {
      const clock = testClock(Date.now());
      const gu = await fx.open({ secret: SECRET, clock: clock.now, tablePrefix: "recent_" });
      const { client } = setup(gu, { recentSignInSeconds: 60 });
      const user = await gu.createUserWithIdentity({ provider: "github", subject: "quick" });
      client.jar.set(SESSION, (await gu.createSession(user.id)).token);
      const json = { headers: { accept: "application/json" } };
      expect(await (await client.get(DELETE, json)).json()).toMatchObject({ signInAgain: null });
      clock.advance(61);
      expect(await (await client.get(DELETE, json)).json()).toMatchObject({
        fields: [],
        signInAgain: {
          withinMinutes: 1,
          links: [],
          message: expect.stringContaining("needs a sign-in within the last minute."),
        },
      });
      const refused = await client.postJson(
        DELETE,
        {},
        { headers: { origin: "http://localhost" } },
      );
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: "REAUTHENTICATION_REQUIRED" } });
      expect(await gu.getUser(user.id)).not.toBeNull();
    });
  },
  ["sqlite"],
);

describeEachDatabase("an account without a password deletes itself", (fx) => {
  for (const [name, start] of Object.entries(adapterServers)) {
    describe(name, () => {
      const withServer = serverPerTest(fx, start, () => ({
        secret: SECRET,
        tablePrefix: uniquePrefix(`social_del_${name}`),
      }));
      const social = (gu: GuestUsers, subject: string) =>
        gu.createUserWithIdentity({ provider: "github", subject, preferredUsername: subject });

      it("with a fresh sign-in: confirms with the button (CSRF checked), no password asked", () => {
        const clock = testClock(Date.now());
        return withServer(
          async (server, gu) => {
            const user = await social(gu, "rufus");
            const client = await signedIn(server.url, gu, user.id);
            // The account page links to the delete page instead of a password form.
            const profile = await (await client.send(PROFILE)).text();
            expect(profile).toContain(`<a href="${DELETE}">Delete my account</a>`);
            expect(profile).not.toContain('name="password"');

            clock.advance(9 * 60); // still within the 10 minutes
            const page = await client.send(DELETE);
            expect(page.status).toBe(200);
            const html = await page.text();
            expect(html).toContain("This deletes the account <strong>rufus</strong>");
            expect(html).not.toContain('name="password"');
            const token = formToken(html, DELETE);
            const asJson = await (await client.json(DELETE)).json();
            expect(asJson).toMatchObject({ fields: [], signInAgain: null });

            const forged = await client.post({ csrf_token: "forged" });
            expect(forged.status).toBe(403);
            const noToken = await client.post({});
            expect(noToken.status).toBe(403);
            expect(await gu.getUser(user.id)).not.toBeNull();

            const deleted = await client.post({ csrf_token: token });
            expect(deleted.status).toBe(302);
            expect(deleted.headers.get("location")).toBe("/");
            expect(client.jar.has(SESSION)).toBe(false);
            expect(await gu.getUser(user.id)).toBeNull();
            expect(await gu.identitiesOf(user.id)).toEqual([]);
          },
          { clock: clock.now },
        );
      });

      it("with a stale sign-in: refused with a clear message, nothing deleted; a new sign-in may", () => {
        const clock = testClock(Date.now());
        return withServer(
          async (server, gu) => {
            const user = await social(gu, "stale");
            const client = await signedIn(server.url, gu, user.id);
            const { csrfToken } = (await (await client.json(DELETE)).json()) as {
              csrfToken: string;
            };
            clock.advance(11 * 60);

            const page = await client.send(DELETE);
            expect(page.status).toBe(200);
            const html = await page.text();
            expect(html).toContain("needs a sign-in within the last 10 minutes");
            expect(html).toContain("Log out and sign in again the way you signed up");
            expect(html).not.toContain(DELETE_FORM);

            const refused = await client.post({ csrf_token: csrfToken });
            expect(refused.status).toBe(403);
            expect(await refused.text()).toContain("Nothing was deleted.");
            const refusedJson = await client.send(DELETE, {
              method: "POST",
              headers: { "content-type": "application/json", origin: server.url },
              body: "{}",
            });
            expect(refusedJson.status).toBe(403);
            expect(await refusedJson.json()).toEqual({
              error: {
                code: "REAUTHENTICATION_REQUIRED",
                message: expect.stringContaining("needs a sign-in within the last 10 minutes"),
              },
              signInAgain: { withinMinutes: 10, links: [], message: expect.any(String) },
            });
            expect(await gu.getUser(user.id)).not.toBeNull();
            expect((await client.send(PROFILE)).status).toBe(200); // still signed in

            // Signing in again (a new session) makes it recent.
            const again = await signedIn(server.url, gu, user.id);
            const token = formToken(await (await again.send(DELETE)).text(), DELETE);
            expect((await again.post({ csrf_token: token })).status).toBe(302);
            expect(await gu.getUser(user.id)).toBeNull();
          },
          { clock: clock.now },
        );
      });

      it("an account with a password still confirms with it, however recent the sign-in", () =>
        withServer(async (server, gu) => {
          const user = await gu.createUser({
            username: "pat",
            password1: PASSWORD,
            password2: PASSWORD,
          });
          const client = await signedIn(server.url, gu, user.id);
          const html = await (await client.send(DELETE)).text();
          expect(html).toMatch(/name="password" type="password"/);
          const token = formToken(html, DELETE);
          const bare = await client.post({ csrf_token: token });
          expect(bare.status).toBe(400);
          expect(await bare.text()).toContain("Your password was not correct.");
          expect(await gu.getUser(user.id)).not.toBeNull();
          const right = await client.post({ csrf_token: token, password: PASSWORD });
          expect(right.status).toBe(302);
          expect(await gu.getUser(user.id)).toBeNull();
        }));
    });
  }
});
