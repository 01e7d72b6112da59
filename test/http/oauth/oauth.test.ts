import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GuestUsers, UserId } from "../../../src/index.ts";
import { notesTable } from "../../support/app-tables.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import {
  client,
  FRAMEWORKS,
  type MockIssuer,
  type OAuthApp,
  SECRET,
  startApp,
  startIssuer,
} from "./support.ts";

const SESSION = "guest_user_session";
const FLOW = "guest_user_session_oauth";
const CSRF = "guest_user_session_csrf";

let issuer: MockIssuer;
beforeAll(async () => {
  issuer = await startIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

describeEachDatabase("social login over HTTP", (fx) => {
  describe.each(FRAMEWORKS)("%s", (framework) => {
    let gu: GuestUsers;
    let app: OAuthApp;
    let notes: Awaited<ReturnType<typeof notesTable>>;
    const merges: [UserId, UserId][] = [];
    const social: UserId[] = [];
    const sub = (name: string) => `${framework}-${name}`;

    beforeAll(async () => {
      const prefix = `oa_${framework}_`;
      gu = await fx.open({ secret: SECRET, tablePrefix: prefix });
      notes = await notesTable(gu, fx.dialect, prefix);
      gu.on("merged", async ({ guest, user, db }) => {
        await notes.move(db, guest.id, user.id);
        merges.push([guest.id, user.id]);
      });
      gu.on("convertedSocialAccount", ({ user }) => void social.push(user.id));
      app = await startApp(framework, gu, issuer);
    });
    afterAll(async () => {
      await app?.close();
    });

    it("converts a guest with the SAME id (its data kept), then signs the same user in from anonymous", async () => {
      const browser = client(app.url);
      const guest = await browser.guest();
      await notes.add(guest.id, "draft");
      const guestCookie = browser.jar.get(SESSION);
      issuer.claims = { sub: sub("rufus"), preferred_username: "Rufus", email: "r@example.com" };
      const callback = await browser.signIn("/page/?tab=2");
      expect(callback.status).toBe(302);
      expect(callback.headers.get("location")).toBe("/page/?tab=2");
      expect(browser.jar.get(SESSION)).not.toBe(guestCookie); // a NEW session
      expect(browser.jar.has(FLOW)).toBe(false); // the flow cookie is used once
      expect(await browser.user()).toEqual({ id: guest.id, username: "Rufus", isGuest: false });
      expect(await notes.of(guest.id)).toEqual(["draft"]);
      expect(social).toContain(guest.id);
      expect(await gu.getUser(guest.id)).toMatchObject({ email: "r@example.com" });

      // The old guest cookie no longer works.
      const stale = client(app.url);
      stale.jar.set(SESSION, guestCookie as string);
      expect(await stale.user()).toBeNull();

      // Anonymous, a second sign-in with the same identity: the same user; no next -> loginRedirectUrl.
      const other = client(app.url);
      const again = await other.signIn();
      expect(again.status).toBe(302);
      expect(again.headers.get("location")).toBe(gu.settings.loginRedirectUrl);
      expect(await other.user()).toEqual({ id: guest.id, username: "Rufus", isGuest: false });
    });

    it("merges a guest who signs in with a known identity into its user (merged listener ran)", async () => {
      issuer.claims = { sub: sub("known"), preferred_username: "Known" };
      const first = client(app.url);
      await first.signIn();
      const owner = (await first.user()) as { id: UserId };
      const browser = client(app.url);
      const guest = await browser.guest();
      await notes.add(guest.id, "guest note");
      const callback = await browser.signIn();
      expect(callback.status).toBe(302);
      expect(await browser.user()).toMatchObject({ id: owner.id, isGuest: false });
      expect(merges).toContainEqual([guest.id, owner.id]);
      expect(await notes.of(owner.id)).toEqual(["guest note"]);
      expect(await gu.getUser(guest.id)).toBeNull();
    });

    it("lets a registered user link the identity, with a new session", async () => {
      const user = await gu.createUser({
        username: `linker_${framework}`,
        password1: "Zebra-Quantum-77!",
        password2: "Zebra-Quantum-77!",
      });
      const browser = client(app.url);
      browser.jar.set(SESSION, (await gu.createSession(user.id)).token);
      const before = browser.jar.get(SESSION);
      issuer.claims = { sub: sub("linked"), preferred_username: "Linked" };
      expect((await browser.signIn()).status).toBe(302);
      expect(browser.jar.get(SESSION)).not.toBe(before);
      expect(await browser.user()).toMatchObject({ id: user.id, username: `linker_${framework}` });
      expect((await gu.identitiesOf(user)).map((i) => i.subject)).toEqual([sub("linked")]);
    });

    it("answers 400 to a bad or missing state, changing nothing", async () => {
      issuer.claims = { sub: sub("stateful"), preferred_username: "Stateful" };
      const browser = client(app.url);
      const guest = await browser.guest();
      const { callbackUrl } = await browser.authorize();
      const tampered = new URL(callbackUrl);
      tampered.searchParams.set("state", "x".repeat(43));
      const bad = await browser.get(tampered.href);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/expired or was not started in this browser/);

      const missing = new URL(callbackUrl);
      missing.searchParams.delete("state");
      expect((await browser.get(missing.href)).status).toBe(400);

      // The right state, but from another browser (no flow cookie): refused, as JSON too.
      const stranger = client(app.url);
      const json = await stranger.get(callbackUrl, { accept: "application/json" });
      expect(json.status).toBe(400);
      expect(await json.json()).toMatchObject({ error: { code: "OAUTH_STATE_INVALID" } });

      expect(await browser.user()).toEqual(guest);
      expect(
        await gu.signInWithIdentity({ provider: "oidc", subject: sub("stateful") }),
      ).toBeNull();
      expect(await gu.isGuestUser(guest.id)).toBe(true);
    });

    it("refuses a flow cookie planted from another browser (with its seed too): the guest is never converted", async () => {
      issuer.claims = { sub: sub("planter"), preferred_username: "Planter" };
      const attacker = client(app.url);
      const { callbackUrl } = await attacker.authorize();
      const victim = client(app.url);
      const guest = await victim.guest();
      for (const names of [[FLOW], [FLOW, CSRF]]) {
        for (const name of names) {
          const value = attacker.jar.get(name);
          if (value !== undefined) victim.jar.set(name, value);
        }
        const answer = await victim.get(callbackUrl, { accept: "application/json" });
        expect(answer.status, names.join()).toBe(400);
        expect(await answer.json()).toMatchObject({ error: { code: "OAUTH_STATE_INVALID" } });
      }
      expect(await victim.user()).toEqual(guest);
      expect(await gu.isGuestUser(guest.id)).toBe(true);
      expect(await gu.signInWithIdentity({ provider: "oidc", subject: sub("planter") })).toBeNull();
      // The same flow in the browser that started it: signed in.
      expect((await attacker.get(callbackUrl)).status).toBe(302);
    });

    it("refuses a flow started before this browser's session changed (a guest made meanwhile)", async () => {
      issuer.claims = { sub: sub("meanwhile"), preferred_username: "Meanwhile" };
      const browser = client(app.url);
      const { callbackUrl } = await browser.authorize();
      const guest = await browser.guest();
      const answer = await browser.get(callbackUrl);
      expect(answer.status).toBe(400);
      expect(await browser.user()).toEqual(guest);
      const { callbackUrl: fresh } = await browser.authorize();
      expect((await browser.get(fresh)).status).toBe(302);
      expect(await browser.user()).toMatchObject({ id: guest.id, isGuest: false });
    });

    it("answers 400 when the provider refuses, changing nothing", async () => {
      issuer.claims = { sub: sub("refused") };
      issuer.refuseWith = "access_denied";
      try {
        const browser = client(app.url);
        const guest = await browser.guest();
        const callback = await browser.signIn();
        expect(callback.status).toBe(400);
        expect(await callback.text()).toMatch(/cancelled or refused \(access_denied\)/);
        expect(await browser.user()).toEqual(guest);
      } finally {
        issuer.refuseWith = null;
      }
    });

    it("ignores a hostile next", async () => {
      for (const [index, next] of [
        "//evil.example/",
        "https://evil.example/x",
        "/\\evil.example",
      ].entries()) {
        issuer.claims = { sub: sub(`hostile${index}`) };
        const browser = client(app.url);
        await browser.guest();
        const callback = await browser.signIn(next);
        expect(callback.status).toBe(302);
        expect(callback.headers.get("location")).toBe(gu.settings.convertRedirectUrl);
      }
    });

    it("completes an ID token without e-mail or username from the UserInfo endpoint", async () => {
      issuer.claims = { sub: sub("sparse") };
      issuer.userinfo = { email: `sparse.${framework}@example.com`, email_verified: true };
      try {
        const browser = client(app.url);
        const guest = await browser.guest();
        expect((await browser.signIn()).status).toBe(302);
        expect(await gu.getUser(guest.id)).toMatchObject({
          username: `sparse.${framework}`,
          email: `sparse.${framework}@example.com`,
          isGuest: false,
        });
      } finally {
        issuer.userinfo = {};
      }
    });

    it("sends PKCE (S256) and a nonce, keeping state in a short-lived HttpOnly cookie on the callback path", async () => {
      issuer.claims = { sub: sub("pkce") };
      const browser = client(app.url);
      const tokenRequests = issuer.tokenRequests.length;
      const { start } = await browser.authorize("/page/");
      const location = new URL(start.headers.get("location") ?? "");
      expect(location.origin).toBe(issuer.url);
      expect(location.searchParams.get("code_challenge_method")).toBe("S256");
      expect(location.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
      expect(location.searchParams.get("nonce")).toMatch(/^[\w-]{43}$/);
      expect(location.searchParams.get("redirect_uri")).toBe(
        `${app.url}/accounts/oauth/oidc/callback/`,
      );
      const state = location.searchParams.get("state") ?? "";
      const cookie = start.headers.getSetCookie().find((c) => c.startsWith(`${FLOW}=`)) ?? "";
      expect(cookie).toMatch(/; Max-Age=600;/);
      expect(cookie).toMatch(/; Path=\/accounts\/oauth\/oidc\/callback\/; HttpOnly; SameSite=Lax/);
      expect(cookie).not.toContain(state); // encrypted, not readable
      const callback = await browser.get(`/accounts/oauth/oidc/callback/?code=none&state=${state}`);
      // A code the issuer never gave: the token request fails, nothing changes.
      expect(callback.status).toBe(400);
      const { callbackUrl } = await browser.authorize();
      expect((await browser.get(callbackUrl)).status).toBe(302);
      const sent = issuer.tokenRequests.slice(tokenRequests);
      expect(sent.at(-1)?.code_verifier).toMatch(/^[\w-]{43}$/);
      expect(sent.at(-1)?.redirect_uri).toBe(`${app.url}/accounts/oauth/oidc/callback/`);
    });
  });
});
