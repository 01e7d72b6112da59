/**
 * The demo app's operations pages in a real headless Chromium, started as `npm start` starts
 * it with `DEMO_ADMIN_USERS` and `DEMO_OIDC_*` pointing at a local OpenID Connect server
 * (oauth2-mock-server, which approves at once): the account page, "Sign in with ...", the
 * merge of a guest's notes on log-in, and the guest admin.
 *
 * Needs `npm run build` and `/usr/bin/chromium` (skipped outside CI without it).
 * Screenshots go to `test-results/demo-operations/` and `test-results/demo-admin.png`.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_ID, CLIENT_SECRET, type MockIssuer, startIssuer } from "../http/oauth/support.ts";
import { launchChromium, requireChromium, skipBrowserTests } from "../support/browser.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { ROOT, type RunningDemo, startDemo } from "./support.ts";

const SHOTS = join(ROOT, "test-results/demo-operations");
const ADMIN_SHOT = join(ROOT, "test-results/demo-admin.png");
const PASSWORD = "difference-engine-1822";
const ADMIN = "root_admin";
const DAY_MS = 86_400_000;

describe.skipIf(skipBrowserTests)("the demo's operations pages in Chromium", () => {
  let issuer: MockIssuer;
  let demo: RunningDemo;
  let browser: Browser;
  let workDir: string;
  const contexts: BrowserContext[] = [];
  /** Script errors and CSP refusals on any page. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    requireChromium();
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    issuer = await startIssuer();
    workDir = mkdtempSync(join(tmpdir(), "guest-user-demo-ops-"));
    demo = await startDemo(join(workDir, "demo.sqlite3"), {
      DEMO_ADMIN_USERS: ` ${ADMIN} , someone_else`,
      DEMO_OIDC_ISSUER: issuer.url,
      DEMO_OIDC_CLIENT_ID: CLIENT_ID,
      DEMO_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      DEMO_OIDC_LABEL: "Acme ID",
    });
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await issuer?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** A new visitor: its own cookies, in a new tab. */
  async function visitor(width = 900): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width, height: 760 },
      userAgent: BROWSER_USER_AGENT,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && /Refused|Content Security Policy/.test(message.text()))
        pageErrors.push(message.text());
    });
    return page;
  }

  const nav = (page: Page) => page.getByRole("navigation", { name: "Account" });
  const banner = (page: Page) => page.getByRole("complementary", { name: "Guest account" });
  const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
  const notes = (page: Page) => page.locator(".notes .note-text").allTextContents();
  const userId = (page: Page) => page.locator("body").getAttribute("data-user-id");

  async function addNote(page: Page, text: string) {
    await page.getByLabel("New note").fill(text);
    await page.getByRole("button", { name: "Add note" }).click();
    await page.waitForURL(`${demo.url}/`);
  }

  /** A guest with one note, on the home page; returns its user id. */
  async function guestWithNote(page: Page, text: string): Promise<string> {
    await page.goto(`${demo.url}/`);
    await addNote(page, text);
    const id = await userId(page);
    expect(id).toMatch(/^\d+$/);
    return id as string;
  }

  /** An anonymous visitor signs up (the library's sign-up page), landing on the notes. */
  async function signUp(page: Page, username: string) {
    await page.goto(`${demo.url}/accounts/signup/`);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password confirmation").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.waitForURL(`${demo.url}/`);
    expect(await page.locator(".username").textContent()).toBe(username);
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it("shows a guest its account page (expiry, save link), then the same account registered", async () => {
    const page = await visitor();
    const guestId = await guestWithNote(page, "A guest's first note");

    await nav(page).getByRole("link", { name: "Your account" }).click();
    await page.waitForURL(`${demo.url}/accounts/profile/`);
    expect(await heading(page)).toBe("Your account");
    const main = page.locator("main");
    expect(await main.textContent()).toContain("Guest (temporary)");
    const guestName = await main.locator("dd strong").first().textContent();
    expect(guestName).toMatch(/^[A-Z][a-z]+[A-Z][a-z]+\d+$/); // the demo's friendly names
    // Created, then "kept until": 14 days later (the default maxAge, counted from creation).
    const [created, expires] = await main
      .locator("time")
      .evaluateAll((times) => times.map((time) => Date.parse(time.getAttribute("datetime") ?? "")));
    expect(await main.textContent()).toContain("it is kept until");
    expect((expires ?? 0) - (created ?? 0)).toBe(14 * DAY_MS);
    // Shown in the demo's own layout: its header, the guest badge, no header log-out for guests.
    expect(await nav(page).textContent()).toContain("Guest");
    expect(await main.getByRole("button", { name: "Log out" }).count()).toBe(1);
    expect(await userId(page)).toBe(guestId);
    await shot(page, "1-profile-guest");

    await main.getByRole("link", { name: "Save your account" }).click();
    await page.waitForURL(`${demo.url}/convert/`);
    const convertText = await main.textContent();
    expect(convertText).toContain("(what you did as a guest comes with you)");
    expect(convertText).not.toContain("stays with the guest account");
    expect(await main.getByRole("link", { name: "Sign in with Acme ID" }).count()).toBe(1);
    await page.getByLabel("Username").fill("lin_profile");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password confirmation").fill(PASSWORD);
    await page.getByRole("button", { name: "Save my account" }).click();
    await page.waitForURL(`${demo.url}/convert/success/`);
    expect(await heading(page)).toBe("Your account is saved");

    await nav(page).getByRole("link", { name: "Your account" }).click();
    await page.waitForURL(`${demo.url}/accounts/profile/`);
    const registered = await main.textContent();
    expect(registered).toContain("Registered");
    expect(registered).not.toContain("Guest (temporary)");
    expect(registered).not.toContain("kept until");
    expect(await main.locator("dd strong").first().textContent()).toBe("lin_profile");
    expect(await main.getByRole("button", { name: "Delete my account" }).count()).toBe(1);
    expect(await nav(page).getByRole("button", { name: "Log out" }).count()).toBe(1);
    expect(await nav(page).getByRole("link", { name: "Admin" }).count()).toBe(0);
    expect(await userId(page)).toBe(guestId);
    await shot(page, "2-profile-registered");

    await page.getByRole("link", { name: "Notes." }).click();
    await page.waitForURL(`${demo.url}/`);
    expect(await notes(page)).toEqual(["A guest's first note"]);
  });

  it("converts a guest who signs in with the provider (same id, note kept), and merges a second one", async () => {
    issuer.claims = {
      sub: "acme-rufus-1",
      preferred_username: "Rufus",
      email: "rufus@example.com",
    };
    const page = await visitor();
    const guestId = await guestWithNote(page, "Idea before signing in");
    await shot(page, "3-guest-sign-in-button");

    await banner(page).getByRole("link", { name: "Sign in with Acme ID" }).click();
    await page.waitForURL(`${demo.url}/`);
    expect(await page.locator(".username").textContent()).toBe("Rufus");
    expect(await userId(page)).toBe(guestId);
    expect(await notes(page)).toEqual(["Idea before signing in"]);
    expect(await banner(page).count()).toBe(0);
    await shot(page, "4-signed-in-with-provider");

    // Another device: a new guest with a note signs in with the same Acme account, from the
    // login page. The account is known: the guest is merged into Rufus, its note moved.
    const other = await visitor();
    const otherGuest = await guestWithNote(other, "Written on another device");
    expect(otherGuest).not.toBe(guestId);
    await nav(other).getByRole("link", { name: "Log in" }).click();
    await other.waitForURL(`${demo.url}/accounts/login/`);
    await other.getByRole("main").getByRole("link", { name: "Sign in with Acme ID" }).click();
    await other.waitForURL(`${demo.url}/`);
    expect(await other.locator(".username").textContent()).toBe("Rufus");
    expect(await userId(other)).toBe(guestId);
    expect(await notes(other)).toEqual(["Written on another device", "Idea before signing in"]);
  });

  it("merges a guest's notes into the existing account it logs in to", async () => {
    const owner = await visitor();
    await signUp(owner, "grace_notes");
    await addNote(owner, "Grace's own note");
    const ownerId = await userId(owner);

    const page = await visitor();
    const guestId = await guestWithNote(page, "Guest draft to keep");
    expect(guestId).not.toBe(ownerId);
    await nav(page).getByRole("link", { name: "Log in" }).click();
    await page.waitForURL(`${demo.url}/accounts/login/`);
    expect(await page.locator(".notice").textContent()).toBe(
      "You are using a guest account: when you log in, its notes are added to your account.",
    );
    await page.getByLabel("Username").fill("grace_notes");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${demo.url}/`);
    expect(await page.locator(".username").textContent()).toBe("grace_notes");
    expect(await userId(page)).toBe(ownerId);
    expect(await notes(page)).toEqual(["Guest draft to keep", "Grace's own note"]);
    await shot(page, "5-merged");

    await owner.reload();
    expect(await notes(owner)).toEqual(["Guest draft to keep", "Grace's own note"]);
  });

  it("opens the guest admin (list and funnel chart) for a user DEMO_ADMIN_USERS names, and only for them", async () => {
    const guest = await visitor();
    await guest.goto(`${demo.url}/accounts/profile/`);
    // Anonymous: the account page asks to log in; a first visit to the notes makes a guest.
    await guest.waitForURL(/\/accounts\/login\/\?next=/);
    await guestWithNote(guest, "A note in the admin's list");
    await guest.goto(`${demo.url}/accounts/profile/`);
    const guestName = (await guest.locator("main dd strong").first().textContent()) ?? "";
    expect(guestName).not.toBe("");
    // A guest may not use the admin, and sees no link to it.
    expect(await nav(guest).getByRole("link", { name: "Admin" }).count()).toBe(0);
    const refused = await guest.goto(`${demo.url}/admin/guests/`);
    expect(refused?.status()).toBe(403);

    // A registered user not on the list: no link, 403.
    const user = await visitor();
    await signUp(user, "not_an_admin");
    expect(await nav(user).getByRole("link", { name: "Admin" }).count()).toBe(0);
    const forbidden = await user.goto(`${demo.url}/admin/guests/`);
    expect(forbidden?.status()).toBe(403);
    expect(await user.locator("main").textContent()).toContain("may not use the guest admin");

    // Anonymous: to the login page, and back to the admin after logging in as the admin.
    const admin = await visitor(1200);
    await signUp(admin, ADMIN);
    await nav(admin).getByRole("link", { name: "Admin" }).click();
    await admin.waitForURL(`${demo.url}/admin/guests/`);
    expect(await heading(admin)).toBe("Guests");
    const row = admin.getByRole("row").filter({ hasText: guestName });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain("Active");
    // Converted and merged guests are no longer guests: not listed.
    expect(await admin.getByRole("cell", { name: "lin_profile" }).count()).toBe(0);
    await admin.screenshot({ path: ADMIN_SHOT, fullPage: true });

    await admin.getByRole("searchbox", { name: "Username starts with" }).fill(guestName);
    await admin.getByRole("button", { name: "Search" }).click();
    await admin.waitForURL(/\?q=/);
    expect(await admin.locator("tbody tr").count()).toBe(1);

    await admin
      .getByRole("navigation", { name: "Admin" })
      .getByRole("link", { name: "Funnel" })
      .click();
    await admin.waitForURL(`${demo.url}/admin/guests/funnel/`);
    expect(await heading(admin)).toBe("Conversion funnel");
    expect(await admin.locator("svg.chart").count()).toBe(1);
    expect(await admin.locator("svg.chart").isVisible()).toBe(true);
    const created = await admin
      .locator(".stat")
      .filter({ hasText: "Created" })
      .locator("strong")
      .textContent();
    expect(Number(created)).toBeGreaterThanOrEqual(1);
    await admin.screenshot({ path: join(SHOTS, "6-admin-funnel.png"), fullPage: true });

    await admin.getByRole("link", { name: "← Back to the notes" }).click();
    await admin.waitForURL(`${demo.url}/`);
    expect(await admin.locator(".username").textContent()).toBe(ADMIN);

    // Logged out, the admin asks to log in first, then comes back to it.
    await nav(admin).getByRole("button", { name: "Log out" }).click();
    await admin.waitForURL(`${demo.url}/accounts/login/`);
    await admin.goto(`${demo.url}/admin/guests/`);
    await admin.waitForURL(/\/accounts\/login\/\?next=(%2F|\/)admin(%2F|\/)guests/);
    await admin.getByLabel("Username").fill(ADMIN);
    await admin.getByLabel("Password").fill(PASSWORD);
    await admin.getByRole("button", { name: "Log in" }).click();
    await admin.waitForURL(`${demo.url}/admin/guests/`);
    expect(await heading(admin)).toBe("Guests");
  });
});
