/**
 * The demo app (`npm start`) in a real headless Chromium: a visitor works at once as a guest,
 * signs up through the built-in convert view, logs out and back in, and keeps every note.
 *
 * Needs `npm run build` (the demo imports the package by its name, i.e. `dist/`) and
 * `/usr/bin/chromium` (`apt-get install -y chromium`). Without Chromium the suite is skipped
 * outside CI and fails in CI. Screenshots go to `test-results/demo/`.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchChromium,
  requireChromium,
  skipBrowserTests,
  warnBrowserTestSkipped,
} from "../support/browser.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { ROOT, type RunningDemo, startDemo } from "./support.ts";

const SHOTS = join(ROOT, "test-results/demo");
const USERNAME = "ada_lovelace";
const PASSWORD = "analytical-engine-1843";

if (skipBrowserTests) warnBrowserTestSkipped("demo");

describe.skipIf(skipBrowserTests)("the demo app in Chromium", () => {
  let demo: RunningDemo;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let workDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    requireChromium();
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), "guest-user-demo-"));
    demo = await startDemo(join(workDir, "demo.sqlite3"));
    browser = await launchChromium();
    // Headless Chromium says "HeadlessChrome", which bot detection rightly refuses a guest.
    context = await browser.newContext({
      viewport: { width: 900, height: 720 },
      userAgent: BROWSER_USER_AGENT,
    });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  let shot = 0;
  /** Runs one step, then saves `NN-name.png`; a failure names the step. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    shot += 1;
    try {
      await body();
    } catch (error) {
      const file = join(SHOTS, `${String(shot).padStart(2, "0")}-${name}-FAILED.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      throw new Error(`step ${shot} (${name}) failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    await page.screenshot({
      path: join(SHOTS, `${String(shot).padStart(2, "0")}-${name}.png`),
      fullPage: true,
    });
  }

  const banner = () => page.getByRole("complementary", { name: "Guest account" });
  const notes = () => page.locator(".notes .note-text");
  const userId = () => page.locator("body").getAttribute("data-user-id");

  async function addNote(text: string) {
    await page.getByLabel("New note").fill(text);
    await page.getByRole("button", { name: "Add note" }).click();
    await page.waitForURL(`${demo.url}/`);
  }

  it("keeps a guest's notes through sign-up, logout and login, on the same user id, and merges a later guest's", async () => {
    let guestId: string | null = null;

    await step("guest", async () => {
      await page.goto(`${demo.url}/`);
      await expect
        .poll(() => banner().textContent())
        .toContain("You are a guest: sign up to keep your work");
      expect(await page.getByRole("navigation", { name: "Account" }).textContent()).toContain(
        "Guest",
      );
      guestId = await userId();
      expect(guestId).toMatch(/^\d+$/);
      expect(await page.locator(".empty").textContent()).toContain("No notes yet");
      // Started without DEMO_OIDC_* and DEMO_ADMIN_USERS: no provider button, no admin.
      expect(await banner().textContent()).not.toContain("Sign in with");
      expect(await page.getByRole("link", { name: "Your account" }).count()).toBe(1);
      expect(await page.getByRole("link", { name: "Admin" }).count()).toBe(0);
      expect((await page.request.get(`${demo.url}/admin/guests/`)).status()).toBe(404);
      expect((await page.request.get(`${demo.url}/accounts/oauth/oidc/start/`)).status()).toBe(404);
    });

    await step("two-notes", async () => {
      await addNote("Buy milk");
      await addNote("Call Ada about the\nanalytical engine");
      expect(await notes().allTextContents()).toEqual([
        "Call Ada about the\nanalytical engine",
        "Buy milk",
      ]);
      expect(await page.getByRole("heading", { level: 2 }).textContent()).toBe("2 notes");
    });

    await step("deleted", async () => {
      await page.getByRole("button", { name: "Delete note: Buy milk" }).click();
      await page.waitForURL(`${demo.url}/`);
      expect(await notes().allTextContents()).toEqual(["Call Ada about the\nanalytical engine"]);
    });

    await step("convert-form", async () => {
      await page.getByRole("link", { name: "sign up to keep your work" }).click();
      await page.waitForURL(`${demo.url}/convert/?next=/`);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Save your account");
      expect(await userId()).toBe(guestId);
    });

    await step("password-mismatch", async () => {
      await page.getByLabel("Username").fill(USERNAME);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByLabel("Password confirmation").fill(`${PASSWORD}-typo`);
      await page.getByRole("button", { name: "Save my account" }).click();
      await page.waitForLoadState();
      expect(await page.getByRole("alert").allTextContents()).toContain(
        "The two password fields didn’t match.",
      );
      expect(await page.getByLabel("Username").inputValue()).toBe(USERNAME);
      expect(await page.getByRole("navigation", { name: "Account" }).textContent()).toContain(
        "Guest",
      );
      expect(await userId()).toBe(guestId);
    });

    await step("converted", async () => {
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByLabel("Password confirmation").fill(PASSWORD);
      await page.getByRole("button", { name: "Save my account" }).click();
      await page.waitForURL(`${demo.url}/`);
      expect(await notes().allTextContents()).toEqual(["Call Ada about the\nanalytical engine"]);
      expect(await banner().count()).toBe(0);
      expect(await page.locator(".username").textContent()).toBe(USERNAME);
      expect(await userId()).toBe(guestId);
    });

    await step("logged-out", async () => {
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL(`${demo.url}/accounts/login/`);
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Log in");
      expect(await page.locator("body").getAttribute("data-user-id")).toBeNull();
    });

    await step("logged-in", async () => {
      await page.getByLabel("Username").fill(USERNAME);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(`${demo.url}/`);
      expect(await notes().allTextContents()).toEqual(["Call Ada about the\nanalytical engine"]);
      expect(await banner().count()).toBe(0);
      expect(await page.locator(".username").textContent()).toBe(USERNAME);
      expect(await userId()).toBe(guestId);
    });

    // A new guest's note follows it into the account it logs in to (the `ownership` option).
    await step("guest-again", async () => {
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL(`${demo.url}/accounts/login/`);
      await page.goto(`${demo.url}/`);
      await expect.poll(() => banner().count()).toBe(1);
      expect(await userId()).not.toBe(guestId);
      await addNote("Written as a guest");
      expect(await notes().allTextContents()).toEqual(["Written as a guest"]);
    });

    await step("merged", async () => {
      await page.goto(`${demo.url}/accounts/login/`);
      await page.getByLabel("Username").fill(USERNAME);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(`${demo.url}/`);
      expect(await notes().allTextContents()).toEqual([
        "Written as a guest",
        "Call Ada about the\nanalytical engine",
      ]);
      expect(await banner().count()).toBe(0);
      expect(await userId()).toBe(guestId);
    });

    expect(pageErrors).toEqual([]);
  });

  it("continues on a second device: the QR code on the account page, the link, the same user", async () => {
    // A new guest in a browser of its own (the laptop), and a second browser (the phone).
    const laptop = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
    const phone = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
    try {
      const first = await laptop.newPage();
      await first.goto(`${demo.url}/`);
      const guestId = await first.locator("body").getAttribute("data-user-id");
      expect(guestId).toMatch(/^\d+$/);
      await first.getByLabel("New note").fill("Started on the laptop");
      await first.getByRole("button", { name: "Add note" }).click();
      await first.waitForURL(`${demo.url}/`);

      await first.goto(`${demo.url}/accounts/profile/`);
      await first.getByRole("button", { name: "Make a link" }).click();
      await first.waitForLoadState();
      const qr = first.getByRole("img", { name: "QR code of the link" }).locator("svg");
      expect(await qr.count()).toBe(1);
      expect((await qr.boundingBox())?.width).toBeGreaterThan(80);
      await first.screenshot({ path: join(SHOTS, "continue-qr.png"), fullPage: true });
      const url = (await first.locator("#continue-url").getAttribute("href")) ?? "";
      expect(url).toContain(`${demo.url}/accounts/continue/?token=`);

      const second = await phone.newPage();
      await second.goto(url);
      expect(await second.getByRole("heading", { level: 1 }).textContent()).toBe(
        "Continue on this device?",
      );
      await second.getByRole("button", { name: "Continue" }).click();
      await second.waitForLoadState();
      await second.goto(`${demo.url}/`);
      expect(await second.locator("body").getAttribute("data-user-id")).toBe(guestId);
      expect(await second.locator(".notes .note-text").allTextContents()).toEqual([
        "Started on the laptop",
      ]);
      await second.screenshot({ path: join(SHOTS, "continue-phone.png"), fullPage: true });

      // The laptop is still signed in; the link does not work twice.
      await first.goto(`${demo.url}/`);
      expect(await first.locator("body").getAttribute("data-user-id")).toBe(guestId);
      const again = await (await browser.newContext({ userAgent: BROWSER_USER_AGENT })).newPage();
      const gone = await again.goto(url);
      expect(gone?.status()).toBe(410);
      expect(await again.locator("body").textContent()).toContain("expired or was already used");
      await again.context().close();
    } finally {
      await laptop.close();
      await phone.close();
    }
  });

  it("refuses forged and invalid notes with a clear answer", async () => {
    const visitor = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
    try {
      const tab = await visitor.newPage();
      await tab.goto(`${demo.url}/`);
      const token = await tab.locator('form[action="/notes"] [name="csrf_token"]').inputValue();

      const forged = await tab.request.post(`${demo.url}/notes`, { form: { text: "forged" } });
      expect(forged.status()).toBe(403);
      expect(await forged.text()).toContain("This form has expired");
      const wrong = await tab.request.post(`${demo.url}/notes`, {
        form: { text: "forged", csrf_token: `${token.slice(0, -2)}xx` },
      });
      expect(wrong.status()).toBe(403);

      const tooLong = await tab.request.post(`${demo.url}/notes`, {
        form: { text: "x".repeat(501), csrf_token: token },
        maxRedirects: 0,
      });
      expect(tooLong.status()).toBe(422);
      expect(await tooLong.text()).toContain("at most 500 characters; this one has 501");

      await tab.getByLabel("New note").fill("   ");
      await tab.getByRole("button", { name: "Add note" }).click();
      await tab.waitForLoadState();
      expect(await tab.getByRole("alert").textContent()).toBe(
        "Write something first: a note cannot be empty.",
      );
      expect(await tab.locator(".notes").count()).toBe(0);
      await tab.screenshot({ path: join(SHOTS, "09-empty-note-error.png"), fullPage: true });
    } finally {
      await visitor.close();
    }
  });

  it("stops gracefully on SIGTERM", async () => {
    demo.child.kill("SIGTERM");
    expect(await demo.exited).toBe(0);
    expect(demo.output()).toContain("Stopped.");
    expect(demo.output()).toContain("GUEST_USER_SECRET is not set");
  });
});
