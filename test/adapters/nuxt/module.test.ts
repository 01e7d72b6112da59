/**
 * The Nuxt module on a fake Nuxt instance: its `nitro:config` hook adds the entry files of the
 * lazily loaded peers the app installed (found from `rootDir`, as Node finds them: the app's
 * node_modules or one above) to Nitro's `externals.traceInclude`, the file `import()` loads
 * (`exports` with Node's import conditions, else `main`), and skips those it did not install.
 * test/nuxt/nuxt.browser.test.ts proves the result on a real `nuxt build`: `.output/` alone runs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import guestUserModule, {
  type NitroConfigLike,
  type NuxtLike,
} from "../../../src/adapters/nuxt/module.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (path relative to `root`: content) and returns `root`. */
function tree(root: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** A fake app: better-sqlite3 (`main`) and pg (`exports`) in its node_modules, arctic above. */
function fakeApp(): string {
  const top = mkdtempSync(join(tmpdir(), "guest-user-nuxt-module-"));
  dirs.push(top);
  tree(top, {
    "node_modules/arctic/package.json": JSON.stringify({ type: "module", main: "dist/index.js" }),
    "node_modules/arctic/dist/index.js": "export {};",
  });
  return tree(join(top, "app"), {
    "package.json": "{}",
    "node_modules/better-sqlite3/package.json": JSON.stringify({ main: "lib/index.js" }),
    "node_modules/better-sqlite3/lib/index.js": "module.exports = {};",
    "node_modules/pg/package.json": JSON.stringify({
      main: "./lib",
      exports: { ".": { import: "./esm/index.mjs", require: "./lib/index.js" } },
    }),
    "node_modules/pg/lib/index.js": "module.exports = {};",
    "node_modules/pg/esm/index.mjs": "export {};",
  });
}

/** Runs the module on a fake Nuxt rooted at `rootDir`; returns its hooks and public config. */
function install(rootDir: string) {
  const hooks = new Map<string, (value: never) => void>();
  const nuxt: NuxtLike = {
    options: { rootDir, runtimeConfig: { public: {} } },
    hook(name: string, listener: (value: never) => void) {
      hooks.set(name, listener);
    },
  };
  guestUserModule({}, nuxt);
  const nitroConfig = (config: NitroConfigLike) => {
    (hooks.get("nitro:config") as (config: NitroConfigLike) => void)(config);
    return config;
  };
  return { hooks, nitroConfig, publicConfig: nuxt.options.runtimeConfig.public };
}

describe("guest-user/nuxt/module", () => {
  it("adds the installed peers' import entries to Nitro's trace, after Nuxt's own", () => {
    const app = fakeApp();
    const { nitroConfig } = install(app);
    const config = nitroConfig({ externals: { traceInclude: ["/nuxt/vue/server-renderer.js"] } });
    expect(config.externals?.traceInclude).toEqual([
      "/nuxt/vue/server-renderer.js",
      join(app, "node_modules/better-sqlite3/lib/index.js"),
      join(app, "node_modules/pg/esm/index.mjs"),
      join(dirname(app), "node_modules/arctic/dist/index.js"),
    ]);
  });

  it("creates externals when Nitro's config has none", () => {
    const app = fakeApp();
    expect(install(app).nitroConfig({}).externals?.traceInclude).toHaveLength(3);
  });

  it("adds nothing when the app installed none of them", () => {
    const app = mkdtempSync(join(tmpdir(), "guest-user-nuxt-module-"));
    dirs.push(app);
    expect(install(app).nitroConfig({})).toEqual({});
  });

  it("still auto-imports useGuestUser and publishes its options", () => {
    const { hooks, publicConfig } = install(fakeApp());
    const imports: { name: string; from: string }[] = [];
    (hooks.get("imports:extend") as (value: typeof imports) => void)(imports);
    expect(imports).toEqual([{ name: "useGuestUser", from: "guest-user/nuxt/app" }]);
    expect(publicConfig.guestUser).toEqual({
      sessionPath: "/api/_guest-user/session",
      logoutPath: "/accounts/logout/",
    });
  });
});
