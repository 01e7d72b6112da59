/**
 * Terms of service and the account page in a real headless Chromium, through the reference
 * app (GUEST_USER_TERMS_VERSION): a guest converts, ticking the box the form requires; a new
 * terms version sends the registered user to the accept page and back; the account page
 * shows who they are and logs them out. Screenshots go to `test-results/terms-*.png`.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchChromium,
  requireChromium,
  skipBrowserTests,
  warnBrowserTestSkipped,
} from "../support/browser.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { assertBuilt, PASSWORD, type RunningApp, startApp, uniqueName } from "./harness.ts";

const SHOTS = join(resolve(import.meta.dirname, "../.."), "test-results");

if (skipBrowserTests) warnBrowserTestSkipped("terms");

describe.skipIf(skipBrowserTests)("terms of service in Chromium", () => {
  let dir: string;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const start = (version: string) =>
    startApp({
      DATABASE_URL: `sqlite:${join(dir, "app.sqlite3")}`,
      GUEST_USER_TERMS_VERSION: version,
    });

  beforeAll(async () => {
    requireChromium();
    assertBuilt();
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "guest-user-terms-browser-"));
    app = await start("2026-11");
    browser = await launchChromium();
    // HeadlessChrome is a bot to isbot (no guest for it): a regular browser's User-Agent.
    page = await browser.newPage({ userAgent: BROWSER_USER_AGENT });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a guest converts only with the box ticked, and a new version asks again", async () => {
    await page.goto(`${app.url}/allow_guest_user/`);
    const guestId = await page.locator("#user-id").textContent();
    expect(await page.locator("#kind").textContent()).toBe("a guest");

    await page.goto(`${app.url}/convert/`);
    const username = uniqueName("reader");
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password1"]', PASSWORD);
    await page.fill('input[name="password2"]', PASSWORD);
    const box = page.locator('form[action="/convert/"] input[name="accept_terms"]');
    expect(await box.evaluate((input) => (input as HTMLInputElement).validity.valid)).toBe(false);
    await page.click('form[action="/convert/"] button[type="submit"]');
    // The browser refuses to send the form without the box: still the convert page.
    expect(new URL(page.url()).pathname).toBe("/convert/");
    await page.screenshot({ path: join(SHOTS, "terms-convert.png"), fullPage: true });
    await box.check();
    await Promise.all([
      page.waitForURL((url) => url.pathname !== "/convert/"),
      page.click('form[action="/convert/"] button[type="submit"]'),
    ]);

    await page.goto(`${app.url}/terms_required/`);
    expect(new URL(page.url()).pathname).toBe("/terms_required/");
    expect(await page.locator("#user-id").textContent()).toBe(guestId);
    expect(await page.locator("#kind").textContent()).toBe("a registered user");

    // The same database, new terms: the registered user is asked to accept them again.
    await app.process.stop();
    app = await start("2027-01");
    await page.goto(`${app.url}/terms_required/`);
    const asked = new URL(page.url());
    expect(asked.pathname).toBe("/accounts/terms/");
    expect(asked.searchParams.get("next")).toBe("/terms_required/");
    expect(await page.textContent("main")).toContain("2027-01");
    await page.screenshot({ path: join(SHOTS, "terms-accept.png"), fullPage: true });
    await page.locator('main input[name="accept_terms"]').check();
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/terms_required/"),
      page.click('main button:has-text("I accept")'),
    ]);
    expect(await page.locator("#user-id").textContent()).toBe(guestId);

    // The account page: who they are, then log out through its CSRF'd button.
    await page.goto(`${app.url}/accounts/profile/`);
    expect(await page.textContent("main")).toContain(username);
    await page.screenshot({ path: join(SHOTS, "terms-profile.png"), fullPage: true });
    await Promise.all([
      page.waitForURL((url) => url.pathname !== "/accounts/profile/"),
      page.locator("main form[action='/accounts/logout/'] button").first().click(),
    ]);
    await page.goto(`${app.url}/`);
    expect(await page.locator("#anonymous").count()).toBe(1);
  }, 60_000);
});
