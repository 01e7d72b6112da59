/**
 * The SvelteKit example (examples/sveltekit: `guest-user/sveltekit`, adapter-node) built with
 * its default `vite build`, started with `node build`, in a real headless Chromium: the first
 * visit makes nobody (and the handle hook drops a stale session cookie); the first note, added
 * through a form action, makes a guest; the guest converts through the built-in convert view
 * (answered by the handle hook at /convert/, trailing slash and all) and keeps its id and notes;
 * a page guarded by `regularUserRequired` sends a guest to convert with `?next=` (SvelteKit's own
 * `redirect`, passed in by the app); a guest who logs in brings its notes (the "merged" listener).
 * The example runs `createGuests: "onWrite"`: the form action (fetched by `use:enhance`, or a
 * native POST without JavaScript) passes the same-origin check on Chromium's own headers. The
 * example also type-checks (`tsc` after `svelte-kit sync`: `Handle`, `Actions`, `App.Locals`).
 *
 * Installed as a user would (the packed tarball and better-sqlite3 only, no special Vite config).
 * Needs `npm run build` (`npm test` does) and `/usr/bin/chromium`; without the browser the suite
 * is skipped outside CI, in CI it fails.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installExample } from "../../scripts/packed.ts";
import {
  launchChromium,
  requireChromium,
  skipBrowserTests,
  warnBrowserTestSkipped,
} from "../support/browser.ts";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { build, type RunningExample, startExample } from "../support/example-app.ts";
import {
  ACCOUNT,
  convertThroughView,
  expectConverted,
  expectSessionCookie,
  notesPage,
  notesRows,
  withOutput,
} from "../support/notes-app.ts";

const { username: USERNAME, password: PASSWORD } = ACCOUNT;

if (skipBrowserTests) warnBrowserTestSkipped("SvelteKit example");

describe.skipIf(skipBrowserTests)("the SvelteKit example built by vite build, in Chromium", () => {
  let example: RunningExample;
  let browser: Browser;
  let page: Page;
  let workDir: string;
  let databaseFile: string;
  let exampleDir: string;

  beforeAll(async () => {
    requireChromium();
    const started = performance.now();
    const dir = await installExample("sveltekit");
    exampleDir = dir;
    const installed = performance.now();
    await build(dir, "node_modules/vite/bin/vite.js", ["build"], "vite build");
    const built = performance.now();
    workDir = mkdtempSync(join(tmpdir(), "guest-user-sveltekit-"));
    databaseFile = join(workDir, "notes.sqlite3");
    example = await startExample({
      dir,
      script: "build",
      args: () => [],
      // adapter-node reads PORT, HOST and ORIGIN (the URL form actions' Origin check compares).
      env: (port) => ({
        PORT: String(port),
        HOST: "127.0.0.1",
        ORIGIN: `http://127.0.0.1:${port}`,
      }),
      databaseFile,
      name: "node build",
    });
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    console.log(
      `SvelteKit example: install ${seconds(started, installed)} s, vite build ${seconds(installed, built)} s, start ${seconds(built, performance.now())} s`,
    );
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
  const { who, userId, noteTexts, addNote } = notesPage(() => page);

  it("makes a guest on the first form action, guards a page, converts it, and keeps its id and notes", () =>
    withOutput(example, async () => {
      // First visit, with a stale session cookie: the handle hook drops it; the load function
      // shows an anonymous visitor; nobody is created.
      await page
        .context()
        .addCookies([{ name: "guest_user_session", value: "stale.cookie", url: example.url }]);
      await page.goto(`${example.url}/`);
      await page.waitForLoadState("networkidle"); // hydrated: the form posts with use:enhance
      expect(await who()).toContain("Anonymous visitor");
      expect(await noteTexts()).toEqual([]);
      expect(rows().users).toEqual([]);
      const cookies = await page.context().cookies();
      expect(cookies.map((cookie) => cookie.name)).not.toContain("guest_user_session");

      // An anonymous visitor on the guarded page goes to log in, with the way back.
      await page.goto(`${example.url}/settings`);
      expect(page.url()).toBe(`${example.url}/accounts/login/?next=/settings`);
      expect(rows().users).toEqual([]);
      await page.goto(`${example.url}/`);
      await page.waitForLoadState("networkidle");

      // The first note, through a form action, makes the visitor a guest.
      await addNote("Buy more vacuum tubes");
      await page.getByText(/^Guest /).waitFor();
      const guestId = await userId();
      expect(guestId).toMatch(/^\d+$/);
      expect(await noteTexts()).toEqual(["Buy more vacuum tubes"]);
      await expectSessionCookie(page);
      expect(rows().users).toHaveLength(1);

      // A second note: the same guest, no second user.
      await addNote("Find the moth");
      expect(await userId()).toBe(guestId);
      expect(rows().users).toHaveLength(1);

      // A reload (a new request, the cookie sent back) still shows the guest and its notes.
      await page.reload();
      expect(await userId()).toBe(guestId);
      expect(await noteTexts()).toEqual(["Find the moth", "Buy more vacuum tubes"]);

      // The guarded page sends a guest to convert, with the way back (a client-side
      // navigation: the load's redirect comes back through __data.json).
      await page.waitForLoadState("networkidle");
      await page.getByRole("link", { name: "Settings" }).click();
      await page.waitForURL(`${example.url}/convert/?next=/settings`);
      await page.goto(`${example.url}/`);

      // Convert through the built-in view, which the handle hook answers at /convert/.
      await convertThroughView(page, example.url);

      await expectConverted(page, databaseFile, guestId, [
        "Find the moth",
        "Buy more vacuum tubes",
      ]);

      // The guarded page lets the registered user in.
      await page.goto(`${example.url}/settings`);
      expect(await page.getByTestId("settings-of").textContent()).toBe(`Settings of ${USERNAME}`);
    }));

  it("makes the guest on a form action posted without JavaScript too (a native form POST)", () =>
    withOutput(example, async () => {
      const context = await browser.newContext({
        userAgent: BROWSER_USER_AGENT,
        javaScriptEnabled: false,
      });
      try {
        const plain = await context.newPage();
        const before = rows().users.length;
        await plain.goto(`${example.url}/`);
        expect(await plain.getByTestId("who").textContent()).toContain("Anonymous visitor");
        await plain.getByLabel("Note").fill("Punch the cards");
        await plain.getByRole("button", { name: "Add note" }).click();
        await plain.getByText(/^Guest /).waitFor();
        expect(await plain.getByTestId("notes").locator("li").allTextContents()).toEqual([
          "Punch the cards",
        ]);
        expect(rows().users).toHaveLength(before + 1);
      } finally {
        await context.close();
      }
    }));

  it("type-checks as a user's app would (svelte-kit sync, then tsc: Handle, Actions, App.Locals)", async () => {
    // `vite build` ran `svelte-kit sync`: the routes' ./$types are there.
    await build(exampleDir, "node_modules/typescript/bin/tsc", ["--noEmit", "-p", "."], "tsc");
  }, 120_000);

  it("logs out with a form action; a new guest who logs in brings its notes along (merged)", () =>
    withOutput(example, async () => {
      await page.goto(`${example.url}/`);
      await page.waitForLoadState("networkidle");
      const accountId = Number(await userId());
      await page.getByRole("button", { name: "Log out" }).click();
      await page.getByText("Anonymous visitor").waitFor();
      expect(await noteTexts()).toEqual([]);

      await addNote("Debug the Mark II");
      await page.getByText(/^Guest /).waitFor();
      const secondGuest = Number(await userId());
      expect(secondGuest).not.toBe(accountId);

      await page.getByRole("link", { name: "Log in" }).click();
      await page.waitForURL(`${example.url}/accounts/login/?next=/`);
      await page.getByLabel("Username").fill(USERNAME);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(`${example.url}/`);

      expect(await who()).toBe(`Signed in as ${USERNAME} (#${accountId})`);
      expect((await noteTexts()).sort()).toEqual(
        ["Buy more vacuum tubes", "Debug the Mark II", "Find the moth"].sort(),
      );
      const { users, notes } = rows();
      const ids = users.map((user) => user.id);
      expect(ids).toContain(accountId);
      expect(ids).not.toContain(secondGuest); // merged into the account, then deleted
      expect(notes.filter((note) => note.user_id === accountId)).toHaveLength(3);
      expect(notes.some((note) => note.user_id === secondGuest)).toBe(false);
    }));
});
