/**
 * The demo's quota (issue 20) in a real headless Chromium: with `DEMO_GUEST_NOTES_PER_DAY=2`
 * a guest adds two notes, the third answers the library's 429 page offering to sign up; the
 * guest follows it, signs up, comes back home and adds the third note (accounts are
 * unlimited), keeping the first two. Needs `npm run build` and `/usr/bin/chromium`.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchChromium,
  requireChromium,
  skipBrowserTests,
  warnBrowserTestSkipped,
} from "../support/browser.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { ROOT, type RunningDemo, startDemo } from "./support.ts";

const SHOTS = join(ROOT, "test-results/demo-quota");

if (skipBrowserTests) warnBrowserTestSkipped("demo quota");

describe.skipIf(skipBrowserTests)("the demo's notes quota in Chromium", () => {
  let demo: RunningDemo;
  let browser: Browser;
  let page: Page;
  let workDir: string;

  beforeAll(async () => {
    requireChromium();
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), "guest-user-demo-quota-"));
    demo = await startDemo(join(workDir, "demo.sqlite3"), { DEMO_GUEST_NOTES_PER_DAY: "2" });
    browser = await launchChromium();
    const context = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const notes = () => page.locator(".notes .note-text");
  async function addNote(text: string) {
    await page.getByLabel("New note").fill(text);
    const answer = page.waitForResponse((response) => response.url() === `${demo.url}/notes`);
    await page.getByRole("button", { name: "Add note" }).click();
    const response = await answer;
    await page.waitForLoadState();
    return response.status();
  }

  it("refuses a guest's third note with a sign-up offer; signed up, the note goes in", async () => {
    await page.goto(`${demo.url}/`);
    expect(await addNote("one")).toBe(303);
    expect(await addNote("two")).toBe(303);
    expect(await notes().allTextContents()).toEqual(["two", "one"]);

    expect(await addNote("three")).toBe(429);
    await page.screenshot({ path: join(SHOTS, "01-limit.png"), fullPage: true });
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Limit reached");
    expect(await page.locator("body").textContent()).toContain("all 2 of your “notes” allowance");
    const offer = page.getByRole("link", { name: "Create an account" });
    expect(await offer.getAttribute("href")).toBe("/convert/?next=/");

    await offer.click();
    await page.waitForURL(`${demo.url}/convert/?next=/`);
    await page.getByLabel("Username").fill(`quota_${Date.now()}`);
    await page.getByLabel("Password", { exact: true }).fill("analytical-engine-1843");
    await page.getByLabel("Password confirmation").fill("analytical-engine-1843");
    await page.getByRole("button", { name: "Save my account" }).click();
    await page.waitForURL(`${demo.url}/`);

    expect(await addNote("three")).toBe(303);
    await page.screenshot({ path: join(SHOTS, "02-converted.png"), fullPage: true });
    expect(await notes().allTextContents()).toEqual(["three", "two", "one"]);
  });
});
