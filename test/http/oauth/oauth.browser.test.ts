/**
 * Social-login conversion in a real headless Chromium: a guest's page, a click on "Sign in
 * with OIDC", the local OpenID Connect server approves, and the visitor comes back converted,
 * with the SAME user id and its note. Needs `/usr/bin/chromium` (skipped outside CI without
 * it). Screenshots go to `test-results/oauth/`.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import express from "express";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestUserExpress } from "../../../src/adapters/express/index.ts";
import { oauthStartPath, oauthViews, oidcProvider } from "../../../src/http/oauth/index.ts";
import { createGuestUsers, type GuestUsers } from "../../../src/index.ts";
import { escapeHtml } from "../../../src/templates.ts";
import { listen, type RunningServer } from "../../adapters/express/harness.ts";
import { notesTable } from "../../support/app-tables.ts";
import { launchChromium, skipBrowserTests } from "../../support/browser.ts";
import { BROWSER_USER_AGENT } from "../../support/browser-fetch.ts";
import { type IsolatedDatabase, isolatedDatabase } from "../../support/databases.ts";
import { FAST_HASHING } from "../../support/guest-users.ts";
import { CLIENT_ID, CLIENT_SECRET, type MockIssuer, SECRET, startIssuer } from "./support.ts";

const SHOTS = join(resolve(import.meta.dirname, "../../.."), "test-results/oauth");
const suite = skipBrowserTests ? describe.skip : describe;
suite("social login in Chromium", () => {
  let gu: GuestUsers;
  let issuer: MockIssuer;
  let server: RunningServer;
  let browser: Browser;
  let database: IsolatedDatabase;
  let notes: Awaited<ReturnType<typeof notesTable>>;

  beforeAll(async () => {
    issuer = await startIssuer();
    database = await isolatedDatabase("sqlite");
    gu = createGuestUsers({
      database: database.url,
      secret: SECRET,
      passwordHashing: FAST_HASHING,
      logger: { warn() {}, error() {} },
    });
    await gu.migrate();
    notes = await notesTable(gu, "sqlite", "guest_user_");
    const guestUser = guestUserExpress(gu);
    const provider = oidcProvider({
      issuer: issuer.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      label: "OIDC",
    });
    const app = express();
    app.use(guestUser.session());
    app.use(guestUser.router(oauthViews(guestUser.http, { providers: [provider] })));
    app.get("/", guestUser.allowGuestUser(), async (req, res) => {
      const user = req.guestUser?.user;
      if (!user) return void res.status(403).send("no guest");
      if (user.isGuest && (await notes.of(user.id)).length === 0)
        await notes.add(user.id, "my draft");
      const link = user.isGuest
        ? `<a id="sign-in" href="${escapeHtml(oauthStartPath("oidc", { next: "/" }))}">Sign in with ${escapeHtml(provider.label)}</a>`
        : "";
      res.send(`<!doctype html><title>Notes</title>
        <p id="who" data-id="${escapeHtml(user.id)}">${escapeHtml(user.username)}
        (${user.isGuest ? "guest" : "registered"})</p>
        <ul>${(await notes.of(user.id)).map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>${link}`);
    });
    server = await listen(app);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await issuer?.close();
    await gu?.close();
    await database?.drop();
  });

  it("ends up converted, with the same id and its note", async () => {
    issuer.claims = { sub: "browser-1", preferred_username: "Rufus", email: "rufus@example.com" };
    const context = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    const who = page.locator("#who");
    await expect.poll(() => who.textContent()).toContain("(guest)");
    const guestId = await who.getAttribute("data-id");
    await page.screenshot({ path: join(SHOTS, "1-guest.png") });

    await page.click("text=Sign in with OIDC");
    await page.waitForURL(`${server.url}/`);
    await expect.poll(() => who.textContent()).toContain("Rufus");
    expect(await who.textContent()).toContain("(registered)");
    expect(await who.getAttribute("data-id")).toBe(guestId);
    expect(await page.locator("li").allTextContents()).toEqual(["my draft"]);
    expect(await page.locator("#sign-in").count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, "2-converted.png") });
    expect(await gu.isGuestUser(Number(guestId))).toBe(false);
    await context.close();
  });
});
