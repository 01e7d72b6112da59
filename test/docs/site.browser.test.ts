/**
 * The docs site as a reader gets it: `npm run docs:build` (TypeDoc's API pages, then VitePress,
 * which already fails on a dead link between Markdown pages), the built
 * `docs/.vitepress/dist` served as a static host serves it (clean URLs: `/errors` is
 * `errors.html`), and EVERY built page opened in headless Chromium: it answers 200, throws no
 * error, logs none, and has an h1; every link of every page to the site itself (the sidebar,
 * the navigation, the text) reaches a page or file that exists, and a link with `#anchor`
 * reaches an element with that id. Needs `/usr/bin/chromium`; without it the suite is skipped
 * outside CI, in CI it fails.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { promisify } from "node:util";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  launchChromium,
  requireChromium,
  skipBrowserTests,
  warnBrowserTestSkipped,
} from "../support/browser.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const DIST = join(ROOT, "docs", ".vitepress", "dist");
/** Pages opened at once: the machine's two cores build, serve and render. */
const TABS = 2;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** The file a static host with clean URLs serves for `pathname`, or null (404). */
function fileFor(pathname: string): string | null {
  const path = decodeURIComponent(pathname);
  if (path.includes("\0") || path.split("/").includes("..")) return null;
  const base = join(DIST, path);
  const candidates = path.endsWith("/")
    ? [join(base, "index.html")]
    : [base, `${base}.html`, join(base, "index.html")];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile()) ?? null;
}

/** Serves `DIST` on 127.0.0.1; a missing file is a 404 (with VitePress's 404 page). */
function serve(): Promise<Server> {
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    const file = fileFor(pathname);
    const status = file ? 200 : 404;
    const body = readFileSync(file ?? join(DIST, "404.html"));
    response.writeHead(status, {
      "content-type": TYPES[extname(file ?? ".html")] ?? "application/octet-stream",
      // As a host serves VitePress: the hashed assets are cached, the pages are not.
      "cache-control": pathname.startsWith("/assets/")
        ? "public, max-age=31536000, immutable"
        : "no-cache",
    });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done(server)));
}

/** Every built page's URL path: `index.html` is `/`, `a/index.html` `/a/`, `a/b.html` `/a/b`. */
function builtPages(): string[] {
  return readdirSync(DIST, { recursive: true, encoding: "utf8" })
    .map((file) => file.split(sep).join("/"))
    .filter((file) => file.endsWith(".html") && file !== "404.html")
    .map((file) => `/${file.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, "")}`)
    .sort();
}

/** What a page showed: its problems, and its same-origin links and element ids. */
interface Visit {
  readonly problems: string[];
  readonly links: string[];
  readonly ids: ReadonlySet<string>;
}

/**
 * A tab that visits pages one after another (one renderer for many pages: far cheaper than a
 * page each). A visit waits for VitePress to hydrate the page (Vue's app mounted on `#app`), so
 * an error while hydrating counts.
 */
async function tab(context: BrowserContext): Promise<(url: string) => Promise<Visit>> {
  const page = await context.newPage();
  let problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // A failed request is reported, with its URL, by the "response" listener.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });
  return async (url) => {
    problems = [];
    const response = await page.goto(url, { waitUntil: "load" });
    if (response?.status() !== 200) problems.push(`status ${response?.status()}`);
    await page.waitForFunction(
      () =>
        Boolean((document.querySelector("#app") as { __vue_app__?: unknown } | null)?.__vue_app__),
      undefined,
      { timeout: 30_000 },
    );
    if ((await page.locator("h1").count()) === 0) problems.push("no h1");
    const { links, ids } = await page.evaluate(() => ({
      links: [...document.querySelectorAll("a[href]")]
        .map((a) => (a as HTMLAnchorElement).href)
        .filter((href) => new URL(href).origin === location.origin),
      ids: [...document.querySelectorAll("[id]")].map((element) => element.id),
    }));
    return { problems, links, ids: new Set(ids) };
  };
}

if (skipBrowserTests) warnBrowserTestSkipped("docs site");

describe.skipIf(skipBrowserTests)("the docs site, built and opened in Chromium", () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    requireChromium();
    // The real build, as CI and a contributor run it: TypeDoc, then VitePress.
    await promisify(execFile)("npm", ["run", "docs:build"], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`npm run docs:build failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    });
    server = await serve();
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext();
  }, 1_200_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
  });

  it("every page loads with an h1 and no error, and no internal link or anchor is dead", async () => {
    const pages = builtPages();
    // The guide's pages and the API reference's are all there.
    for (const path of ["/", "/getting-started/", "/getting-started/nextjs", "/errors", "/api/"]) {
      expect(pages, `the build has no page ${path}`).toContain(path);
    }
    expect(pages.filter((path) => path.startsWith("/api/")).length).toBeGreaterThan(50);

    const visits = new Map<string, Visit>();
    const queue = [...pages];
    await Promise.all(
      Array.from({ length: TABS }, async () => {
        const visit = await tab(context);
        for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
          visits.set(path, await visit(`${origin}${path}`));
        }
      }),
    );

    const problems = [...visits].flatMap(([path, { problems }]) =>
      problems.map((problem) => `${path}: ${problem}`),
    );
    // Every distinct link once: the page it is on, for the message.
    const linkedFrom = new Map<string, string>();
    for (const [path, { links }] of visits) {
      for (const link of links) if (!linkedFrom.has(link)) linkedFrom.set(link, path);
    }
    for (const [link, from] of linkedFrom) {
      const { pathname, hash } = new URL(link);
      // A link to a page is to its clean URL; `/a/b.html` would be a page too, but not ours.
      const target = visits.get(pathname) ?? visits.get(pathname.replace(/\.html$/, ""));
      if (!target) {
        if (!fileFor(pathname)) problems.push(`${from}: dead link ${pathname}`);
        continue;
      }
      const anchor = decodeURIComponent(hash.slice(1));
      if (anchor && !target.ids.has(anchor)) {
        problems.push(`${from}: dead anchor ${pathname}${hash}`);
      }
    }
    expect(problems, "pages that do not load cleanly, and dead internal links").toEqual([]);
    expect(linkedFrom.size).toBeGreaterThan(pages.length);
  }, 1_200_000);
});
