/**
 * The guest admin in a real headless Chromium: an administrator logs in through the login
 * form, looks at the guest list and the funnel, and deletes one guest through the
 * confirmation page. Screenshots go to `test-results/admin-*.png`.
 *
 * Needs `/usr/bin/chromium` (`apt-get install -y chromium`): without it the suite is skipped
 * outside CI and fails in CI. Runs on the sources (no build needed), Express, SQLite.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuestUsers, type GuestUsers, type User } from "../../../src/index.ts";
import {
  launchChromium,
  requireChromium,
  skipBrowserTests,
  warnBrowserTestSkipped,
} from "../../support/browser.ts";
import { BROWSER_USER_AGENT } from "../../support/browser-fetch.ts";
import { FAST_HASHING, testClock } from "../../support/guest-users.ts";
import {
  type AdminApp,
  canAccess,
  PASSWORD,
  registered,
  SECRET,
  startAdminApp,
} from "./servers.ts";

const ROOT = resolve(import.meta.dirname, "../../..");
const SHOTS = join(ROOT, "test-results");
const DAY = 86_400;

if (skipBrowserTests) warnBrowserTestSkipped("admin");

/** Four weeks of a small site: guests every day, some converting, some merging, clean-ups. */
async function seedMonth(gu: GuestUsers, clock: ReturnType<typeof testClock>) {
  const member = await registered(gu, "long_time_member");
  gu.on("merged", () => {});
  for (let day = 0; day < 28; day++) {
    const made: User[] = [];
    const count = 6 + ((day * 7) % 11) + (day > 20 ? 6 : 0);
    for (let i = 0; i < count; i++) {
      made.push(
        await gu.createGuestUser({ data: i % 3 === 0 ? { cart: ["tea", "milk"], step: i } : null }),
      );
    }
    for (let i = 0; i < Math.floor(count / 4); i++) {
      await gu.convert(made[i] as User, {
        username: `customer_${day}_${i}`,
        password1: PASSWORD,
        password2: PASSWORD,
      });
    }
    if (day % 3 === 0) await gu.mergeGuest(made.at(-1) as User, member);
    if (day === 6 || day === 13) await gu.deleteExpired();
    clock.advance(DAY);
  }
}

describe.skipIf(skipBrowserTests)("the guest admin in Chromium", () => {
  let workDir: string;
  let gu: GuestUsers;
  let app: AdminApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    requireChromium();
    mkdirSync(SHOTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), "guest-user-admin-"));
    const clock = testClock(Date.now() - 28 * DAY * 1000);
    gu = createGuestUsers({
      database: `sqlite:${join(workDir, "admin.sqlite3")}`,
      secret: SECRET,
      clock: clock.now,
      maxAge: 7 * DAY,
      passwordHashing: FAST_HASHING,
      logger: { warn() {}, error() {} },
    });
    await gu.migrate();
    await seedMonth(gu, clock);
    await registered(gu, "root_admin");
    app = await startAdminApp("express", gu, { canAccess });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1200, height: 900 },
      userAgent: BROWSER_USER_AGENT,
    });
    page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // (The login page is the account views' own, which has no icon: its /favicon.ico 404 is
    // not ours to judge.)
    page.on("response", (response) => {
      if (response.status() >= 400 && !response.url().endsWith("/favicon.ico"))
        pageErrors.push(`${response.status()} ${response.url()}`);
    });
    // No external asset: every request stays on the app.
    page.on("request", (request) => {
      if (!request.url().startsWith(app.url)) pageErrors.push(`external request: ${request.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await gu?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  const shot = (name: string) =>
    page.screenshot({ path: join(SHOTS, `admin-${name}.png`), fullPage: true });

  it("logs in an admin, shows the list and the funnel, and deletes a guest after confirming", async () => {
    await page.goto(`${app.url}/admin/guests/`);
    await page.waitForURL(`${app.url}/accounts/login/?next=/admin/guests/`);
    await page.getByLabel("Username").fill("root_admin");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${app.url}/admin/guests/`);

    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Guests");
    const rows = page.locator("tbody tr");
    expect(await rows.count()).toBe(50);
    expect(await page.locator(".badge.expired").count()).toBe(0); // the newest 50 are all recent
    await shot("list");

    await page.getByRole("link", { name: "Expired" }).click();
    await page.waitForURL(/filter=expired/);
    expect(await page.locator(".badge.active").count()).toBe(0);
    expect(await page.locator(".badge.expired").count()).toBeGreaterThan(0);
    await page.getByRole("link", { name: "Next page →" }).click();
    await page.waitForURL(/after=/);
    await shot("expired-page-2");

    await page.getByRole("link", { name: "Funnel" }).click();
    await page.waitForURL(`${app.url}/admin/guests/funnel/`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Conversion funnel");
    const chart = page.locator("svg.chart");
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.locator("rect").count()).toBeGreaterThan(30);
    const { totals } = await gu.funnel();
    expect(await page.locator(".stat.rate strong").textContent()).toBe(
      `${(totals.conversionRate * 100).toFixed(1)}%`,
    );
    await shot("funnel");

    await page.getByRole("link", { name: "Guests" }).click();
    await page.waitForURL(`${app.url}/admin/guests/`);
    const first = rows.first();
    const username = (await first.locator("td.name").textContent()) ?? "";
    const victim = (await gu.listGuests({ limit: 1 })).guests[0];
    expect(victim?.username).toBe(username);
    await first.getByRole("checkbox").check();
    await page.getByRole("button", { name: "Delete selected…" }).click();
    await page.waitForURL(`${app.url}/admin/guests/delete/`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(
      "Delete the selected guests?",
    );
    expect(await page.locator("tbody").textContent()).toContain(username);
    await shot("confirm");
    // Still there until confirmed.
    expect(await gu.getUser(victim?.id ?? 0)).not.toBeNull();

    await page.getByRole("button", { name: "Delete 1 guest" }).click();
    await page.waitForURL(`${app.url}/admin/guests/?deleted=1`);
    expect(await page.getByRole("status").textContent()).toBe("Deleted 1 guest.");
    expect(await page.locator("td.name").allTextContents()).not.toContain(username);
    await shot("deleted");
    expect(await gu.getUser(victim?.id ?? 0)).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
