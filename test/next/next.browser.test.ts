/**
 * The Next.js example (examples/next: App Router, `guest-user/next`) built with `next build`,
 * started with `next start`, in a real headless Chromium: the first visit makes nobody (and the
 * proxy drops a stale session cookie); the first note, added through a server action, makes a
 * guest; the guest converts through the built-in convert view (a catch-all route handler) and
 * keeps its id and notes.
 *
 * Run twice: built by Turbopack (Next 16's default) and by webpack, each with NO special
 * config, from a copy installed as a user would (the packed tarball and better-sqlite3 only:
 * no pg, no mysql2). Needs `npm run build` (`npm test` does) and `/usr/bin/chromium`; without
 * the browser the suite is skipped outside CI, in CI it fails.
 */
import { mkdtempSync, rmSync } from "node:fs";
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
import {
  convertThroughView,
  expectConverted,
  expectSessionCookie,
  notesPage,
  notesRows,
  withOutput,
} from "../support/notes-app.ts";
import { buildExample, type NextBundler, type RunningExample, startExample } from "./support.ts";

if (skipBrowserTests) warnBrowserTestSkipped("Next.js example");

const BUNDLERS: readonly NextBundler[] = ["turbopack", "webpack"];

describe.skipIf(skipBrowserTests).each(BUNDLERS)(
  "the Next.js example built by %s, in Chromium",
  (bundler) => {
    let example: RunningExample;
    let browser: Browser;
    let page: Page;
    let workDir: string;
    let databaseFile: string;

    beforeAll(async () => {
      requireChromium();
      const dir = await buildExample(bundler);
      workDir = mkdtempSync(join(tmpdir(), "guest-user-next-"));
      databaseFile = join(workDir, "notes.sqlite3");
      example = await startExample(dir, databaseFile);
      browser = await launchChromium();
      // Headless Chromium says "HeadlessChrome", which bot detection rightly refuses a guest.
      const context = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
      page = await context.newPage();
    }, 1_200_000);

    afterAll(async () => {
      await browser?.close();
      await example?.stop();
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    const rows = () => notesRows(databaseFile);
    const { who, userId, noteTexts } = notesPage(() => page);

    it("makes a guest on the first server action, converts it, and keeps its id and notes", () =>
      withOutput(example, async () => {
        // First visit, with a stale session cookie: the proxy (proxy.ts) drops it; a server
        // component shows an anonymous visitor; nobody is created.
        await page
          .context()
          .addCookies([{ name: "guest_user_session", value: "stale.cookie", url: example.url }]);
        await page.goto(`${example.url}/`);
        expect(await who()).toContain("Anonymous visitor");
        expect(await noteTexts()).toEqual([]);
        expect(rows().users).toEqual([]);
        const cookies = await page.context().cookies();
        expect(cookies.map((cookie) => cookie.name)).not.toContain("guest_user_session");

        // The first note, through a server action, makes the visitor a guest.
        await page.getByLabel("Note").fill("Buy more vacuum tubes");
        await page.getByRole("button", { name: "Add note" }).click();
        await page.getByText(/^Guest /).waitFor();
        const guestId = await userId();
        expect(guestId).toMatch(/^\d+$/);
        expect(await noteTexts()).toEqual(["Buy more vacuum tubes"]);
        await expectSessionCookie(page);
        expect(rows().users).toHaveLength(1);

        // A second note: the same guest, no second user.
        await page.getByLabel("Note").fill("Find the moth");
        await page.getByRole("button", { name: "Add note" }).click();
        await page.getByText("Find the moth").waitFor();
        expect(await userId()).toBe(guestId);
        expect(rows().users).toHaveLength(1);

        // A reload (a new request, the cookie sent back) still shows the guest and its notes.
        await page.reload();
        expect(await userId()).toBe(guestId);
        expect(await noteTexts()).toEqual(["Find the moth", "Buy more vacuum tubes"]);

        // Convert through the built-in view, mounted by a catch-all route handler.
        await convertThroughView(page, example.url);

        await expectConverted(page, databaseFile, guestId, [
          "Find the moth",
          "Buy more vacuum tubes",
        ]);
      }));
  },
);
