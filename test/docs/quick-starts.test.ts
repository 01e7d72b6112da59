/**
 * The quick starts of the docs' Express, Hono and Fastify pages (and the README's) RUN as written, for a new user
 * on Node 20 with an empty folder: outside the repository, `npm init -y` and `npm pkg set
 * type=module` (docs/getting-started/index.md), each page's own `npm i` lines with the packed
 * tarball for `guest-user` (one folder holds the three frameworks), TypeScript and Node's types;
 * the page's first `ts` block compiled by tsc (strict, nodenext) and run by `node` with no
 * secret, no database setting and no NODE_ENV, as the page leaves them. The only change: the
 * port the block listens on (3000) becomes a free one, in the emitted JavaScript. Then, over
 * real HTTP with a browser's User-Agent: a development secret appears beside the default SQLite
 * file, the `allowGuestUser()` page makes one guest with an HttpOnly SameSite=Lax cookie and
 * knows it again, bots get no guest, and each `regularUserRequired()` page sends anonymous
 * visitors to log in and guests to convert.
 *
 * Not here: docs/getting-started/fetch.md, whose blocks are `export default { fetch }` modules
 * for Bun or Deno (Node has no server for them; they compile in test/readme/snippets.test.ts),
 * and the index page, which has no code block (its `npm i guest-user better-sqlite3` line is
 * part of every page's line, checked below). Needs `npm run build` (`npm test` does).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync as write } from "node:fs";
import { get } from "node:http";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  compileConsumer,
  firstBlock,
  type InstallLine,
  installConsumer,
  installLines,
} from "../support/docs-consumer.ts";
import { freePort, type RunningExample, startExample } from "../support/example-app.ts";

const DOCS = resolve(import.meta.dirname, "../../docs/getting-started");
const FRAMEWORKS = ["express", "hono", "fastify"] as const;
/** The pages' quick starts, and the README's (Express, installed as the Express page says). */
const APPS = [...FRAMEWORKS, "readme"] as const;
type App = (typeof APPS)[number];

/** A quick start: its `npm i` lines and its first `ts` block, as written. */
const pages = Object.fromEntries(
  FRAMEWORKS.map((name) => {
    const markdown = readFileSync(join(DOCS, `${name}.md`), "utf8");
    return [
      name,
      { install: installLines(firstBlock(markdown, "sh")), code: firstBlock(markdown, "ts") },
    ];
  }),
) as Record<App, { install: InstallLine; code: string }>;
pages.readme = {
  install: pages.express.install,
  code: firstBlock(readFileSync(resolve(DOCS, "../../README.md"), "utf8"), "ts"),
};

/** The paths a block guards with `guard(`, e.g. `["/billing/"]` for `regularUserRequired`. */
function guardedPaths(code: string, guard: string): string[] {
  const route = new RegExp(`\\.get\\("([^"]+)",[^\\n]*\\b${guard}\\(`, "g");
  return [...code.matchAll(route)].map((match) => match[1] ?? "");
}

const timings: Record<string, number> = {};
async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[what] = Math.round(performance.now() - started);
  }
}

let consumer: string;

beforeAll(async () => {
  const install = {
    dependencies: FRAMEWORKS.flatMap((name) => pages[name].install.dependencies),
    dev: FRAMEWORKS.flatMap((name) => pages[name].install.dev),
  };
  consumer = await timed("install (cached after the first run)", () => installConsumer(install));
  for (const name of APPS) {
    rmSync(join(consumer, name), { recursive: true, force: true });
    mkdirSync(join(consumer, name));
    write(join(consumer, name, "app.ts"), pages[name].code);
  }
  const report = await timed("tsc", () => compileConsumer(consumer, APPS));
  expect(report, "the quick starts do not compile in a new project").toBe("");
}, 600_000);

afterAll(() => {
  console.info("docs quick starts, ms:", timings);
});

it("each page installs the package, SQLite's driver and its framework, nothing else of ours", () => {
  const index = readFileSync(join(DOCS, "index.md"), "utf8");
  expect(index, "the index page tells a new project to be an ES module").toContain(
    "npm pkg set type=module",
  );
  for (const name of FRAMEWORKS) {
    const { dependencies } = pages[name].install;
    expect(dependencies.slice(0, 2), name).toEqual(["guest-user", "better-sqlite3"]);
    expect(dependencies, name).toContain(name);
    expect(guardedPaths(pages[name].code, "allowGuestUser"), `${name}: a guest page`).toHaveLength(
      1,
    );
  }
  for (const driver of ["pg", "mysql2"]) {
    expect(existsSync(join(consumer, "node_modules", driver)), driver).toBe(false);
  }
});

describe.each(APPS)("the %s quick start", (name) => {
  const dir = () => join(consumer, name);
  const databaseFile = () => join(dir(), "guest-user.sqlite3");
  let app: RunningExample;
  let guestCookie = "";
  let guestName = "";

  const users = () => {
    const db = new Database(databaseFile(), { readonly: true, fileMustExist: true });
    try {
      return db.prepare("SELECT username FROM guest_user_users").all() as { username: string }[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    const port = await freePort();
    const js = readFileSync(join(dir(), "app.js"), "utf8");
    expect(js.match(/\b3000\b/g), `${name}: the block listens on 3000, once`).toHaveLength(1);
    // The one change to the page's code: a free port instead of 3000.
    write(join(dir(), "app.js"), js.replace(/\b3000\b/, String(port)));
    app = await timed(`${name}: start`, () =>
      startExample({
        dir: dir(),
        script: "app.js",
        args: () => [],
        port,
        // As a new user runs it: none of these set (undefined removes the variable).
        env: () => ({
          GUEST_USER_SECRET: undefined,
          DATABASE_URL: undefined,
          GUEST_USER_DATABASE: undefined,
          NODE_ENV: undefined,
        }),
        name: `node ${name}/app.js`,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  it("starts without a secret: a development secret appears beside the default SQLite file", () => {
    const secretFile = join(dir(), ".guest-user", "secret");
    expect(existsSync(databaseFile()), app.output()).toBe(true);
    expect(readFileSync(secretFile, "utf8").trim().length).toBeGreaterThanOrEqual(32);
    expect(app.output()).toContain(`development secret was generated in ${secretFile}`);
  });

  it("the allowGuestUser() page makes a guest, with an HttpOnly SameSite=Lax cookie, and knows it again", async () => {
    const [path] = guardedPaths(pages[name].code, "allowGuestUser");
    const first = await timed(`${name}: first guest page`, () =>
      fetch(`${app.url}${path}`, { redirect: "manual" }),
    );
    const body = await first.text();
    expect(first.status, body).toBe(200);
    guestName = /^Hello (\w+)!/.exec(body)?.[1] ?? "";
    expect(guestName, body).not.toMatch(/^(|undefined|null)$/);
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith("guest_user_session="));
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    guestCookie = cookie?.split(";")[0] ?? "";

    const again = await fetch(`${app.url}${path}`, { headers: { cookie: guestCookie } });
    expect(again.status).toBe(200);
    expect(await again.text()).toMatch(new RegExp(`^Hello ${guestName}!`));
    expect(users()).toEqual([{ username: guestName }]);
  });

  it("gives no guest to a bot or to a request without a User-Agent", async () => {
    const [path = "/"] = guardedPaths(pages[name].code, "allowGuestUser");
    for (const userAgent of ["curl/8.5.0", "Googlebot/2.1 (+http://www.google.com/bot.html)"]) {
      const response = await fetch(`${app.url}${path}`, {
        headers: { "user-agent": userAgent },
        redirect: "manual",
      });
      await response.text();
      expect(response.headers.getSetCookie().join(), userAgent).not.toContain("guest_user_session");
    }
    const noAgent = await new Promise<string[]>((done, fail) => {
      get(`${app.url}${path}`, (response) => {
        response.resume();
        response.on("end", () => done(response.headers["set-cookie"] ?? []));
      }).on("error", fail);
    });
    expect(noAgent.join(), "no User-Agent").not.toContain("guest_user_session");
    expect(users(), "still the one guest").toEqual([{ username: guestName }]);
  });

  it("sends anonymous visitors of regularUserRequired() pages to log in, guests to convert", async () => {
    const paths = guardedPaths(pages[name].code, "regularUserRequired");
    if (name === "express") expect(paths).toEqual(["/billing/"]);
    if (name === "readme") expect(paths).toEqual([]);
    for (const path of paths) {
      const anonymous = await fetch(`${app.url}${path}`, { redirect: "manual" });
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("location")).toBe(`/accounts/login/?next=${path}`);
      const guest = await fetch(`${app.url}${path}`, {
        headers: { cookie: guestCookie },
        redirect: "manual",
      });
      expect(guest.status).toBe(302);
      const convert = guest.headers.get("location") ?? "";
      expect(convert).toBe(`/convert/?next=${path}`);
      const page = await fetch(`${app.url}${convert}`, { headers: { cookie: guestCookie } });
      expect(page.status, "the convert page answers the guest").toBe(200);
    }
    for (const path of guardedPaths(pages[name].code, "guestUserRequired")) {
      const guest = await fetch(`${app.url}${path}`, { headers: { cookie: guestCookie } });
      expect(guest.status, `${path} lets the guest in`).toBe(200);
    }
    expect(users(), "no second user").toEqual([{ username: guestName }]);
  });
});
