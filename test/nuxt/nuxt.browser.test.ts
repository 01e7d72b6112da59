/**
 * The Nuxt example (examples/nuxt: Nuxt 4.3 on Nitro 2, `guest-user/nuxt` and its module) built
 * with `nuxt build`, its `.output/` alone copied to a fresh folder with no node_modules beside or
 * above it (what a Docker image of `.output/` gets), started there with
 * `node .output/server/index.mjs`, in a real headless Chromium:
 * the first visit makes nobody; the first note, posted to a server route with `$fetch`, makes a
 * guest (`ensureGuest`) and the page's `useGuestUser()` shows it after `refresh()`; the guest
 * converts through the built-in convert view (answered by the server middleware) and keeps its
 * id and notes; a guarded server route (`regularUserRequired`) sends a guest to convert with
 * `next`, and lets the converted user in. The copy runs because the module adds the app's
 * driver (better-sqlite3, loaded by an `import()` no bundler follows) to Nitro's trace, which
 * copies it to `.output/server/node_modules`; the drivers the app did not install are not there.
 *
 * Installed as a user would (a copy outside the repository, the packed tarball and
 * better-sqlite3 only), built with NO special config. Needs `npm run build` (`npm test` does)
 * and `/usr/bin/chromium`; without the browser the suite is skipped outside CI, in CI it fails.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

const { username: USERNAME } = ACCOUNT;
const NUXT = "node_modules/nuxt/bin/nuxt.mjs";

/** The node_modules folders Node would search from `dir` (in it or any folder above). */
function nodeModulesFrom(dir: string): string[] {
  const found: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, "node_modules"))) found.push(join(at, "node_modules"));
    if (dirname(at) === at) return found;
  }
}

if (skipBrowserTests) warnBrowserTestSkipped("Nuxt example");

describe.skipIf(skipBrowserTests)("the Nuxt example built by nuxt build, in Chromium", () => {
  let example: RunningExample;
  let browser: Browser;
  let page: Page;
  let workDir: string;
  let databaseFile: string;
  let shipped: string[];

  beforeAll(async () => {
    requireChromium();
    const started = Date.now();
    const dir = await installExample("nuxt");
    const installed = Date.now();
    await build(dir, NUXT, ["build"], "nuxt build");
    console.info(
      `nuxt example: install ${installed - started} ms, nuxt build ${Date.now() - installed} ms`,
    );
    // Deployed as a Docker image of `.output/` would be: the folder alone, elsewhere.
    workDir = mkdtempSync(join(tmpdir(), "guest-user-nuxt-"));
    cpSync(join(dir, ".output"), join(workDir, ".output"), { recursive: true });
    shipped = readdirSync(join(workDir, ".output/server/node_modules"));
    databaseFile = join(workDir, "notes.sqlite3");
    example = await startExample({
      dir: workDir,
      script: ".output/server/index.mjs",
      args: () => [],
      env: (port) => ({ PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production" }),
      databaseFile,
      name: "node .output/server/index.mjs",
    });
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
  /** Waits until Vue has mounted the server-rendered page (its buttons then run their code). */
  const hydrated = () =>
    page.waitForFunction(() => {
      const root = document.querySelector("#__nuxt");
      return root !== null && Object.hasOwn(root, "__vue_app__");
    });

  it("ships the app's driver in .output, and only it, with no node_modules around the copy", () => {
    expect(nodeModulesFrom(workDir)).toEqual([]);
    expect(shipped).toContain("better-sqlite3");
    expect(
      existsSync(join(workDir, ".output/server/node_modules/better-sqlite3/package.json")),
    ).toBe(true);
    expect(shipped).not.toContain("pg");
    expect(shipped).not.toContain("mysql2");
  });

  it("makes a guest on the first note, converts it, and keeps its id and notes", () =>
    withOutput(example, async () => {
      const started = Date.now();
      // First visit: the page (rendered on the server) shows an anonymous visitor; nobody is
      // created.
      await page.goto(`${example.url}/`);
      expect(await who()).toContain("Anonymous visitor");
      expect(await noteTexts()).toEqual([]);
      expect(rows().users).toEqual([]);
      expect((await page.context().cookies()).map((cookie) => cookie.name)).not.toContain(
        "guest_user_session",
      );

      // The first note, posted to a server route, makes the visitor a guest.
      await hydrated();
      await page.getByLabel("Note").fill("Buy more vacuum tubes");
      await page.getByRole("button", { name: "Add note" }).click();
      await page.getByText(/^Guest /).waitFor();
      const guestId = await userId();
      expect(guestId).toMatch(/^\d+$/);
      await page.getByText("Buy more vacuum tubes").waitFor();
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

      // A server route for registered users only sends the guest to convert, with `next`.
      await page.goto(`${example.url}/members`);
      await page.waitForURL(`${example.url}/convert/?next=/members`);
      await page.goto(`${example.url}/`);

      // Convert through the built-in view, answered by the server middleware.
      await convertThroughView(page, example.url);

      await expectConverted(page, databaseFile, guestId, [
        "Find the moth",
        "Buy more vacuum tubes",
      ]);

      // The registered user passes the guard.
      await page.goto(`${example.url}/members`);
      expect(await page.textContent("body")).toContain(`Members only: welcome, ${USERNAME}.`);

      // Log out (useGuestUser().logOut()): an anonymous visitor again, the account kept.
      await page.goto(`${example.url}/`);
      await hydrated();
      await page.getByRole("button", { name: "Log out" }).click();
      await page.getByText("Anonymous visitor").waitFor();
      expect(await noteTexts()).toEqual([]);
      expect(rows().users).toHaveLength(1);
      console.info(`nuxt example: browser scenario ${Date.now() - started} ms`);
    }));
});
