import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { LAZY_PEERS } from "../../shared/optional-peer.ts";

/** What the module touches of Nitro's config (Nitro 2's `externals`, no nitropack import). */
export interface NitroConfigLike {
  /** `traceInclude`: files whose packages `nuxt build` copies to `.output/server/node_modules`. */
  externals?: { traceInclude?: string[] };
}

/** The conditions `import()` matches in Node (a package's `exports`). */
const CONDITIONS = new Set(["node", "import", "default"]);

/** The target `import()` picks in an `exports` value, or undefined. */
function pick(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (Array.isArray(exports)) return exports.map(pick).find((target) => target !== undefined);
  if (exports === null || typeof exports !== "object") return undefined;
  const entries = Object.entries(exports);
  if (entries.some(([key]) => key.startsWith("."))) return pick((exports as { ".": unknown })["."]);
  for (const [condition, target] of entries) {
    const picked = CONDITIONS.has(condition) ? pick(target) : undefined;
    if (picked !== undefined) return picked;
  }
  return undefined;
}

/**
 * The file `import(name)` loads from `rootDir`, or undefined when the app did not install it:
 * the package's `exports` (Node's conditions for `import`), else its `main` as `require` finds it.
 */
export function peerEntry(rootDir: string, name: string): string | undefined {
  const require = createRequire(join(rootDir, "package.json"));
  const dir = (require.resolve.paths(name) ?? [])
    .map((modules) => join(modules, name))
    .find((candidate) => existsSync(join(candidate, "package.json")));
  if (dir === undefined) return undefined;
  const manifest: { exports?: unknown } = JSON.parse(
    readFileSync(join(dir, "package.json"), "utf8"),
  );
  const target = manifest.exports === undefined ? undefined : pick(manifest.exports);
  if (target !== undefined) return join(dir, target);
  try {
    return require.resolve(dir);
  } catch {
    return undefined;
  }
}

/** The entry files of the {@link LAZY_PEERS} the app installed (found from `rootDir`). */
export function installedPeers(rootDir: string): string[] {
  return LAZY_PEERS.flatMap((name) => peerEntry(rootDir, name) ?? []);
}

/**
 * Adds `entries` (absolute files) to Nitro's dependency trace (`externals.traceInclude`): the
 * library loads these packages with an `import()` of a variable no bundler follows, so without
 * this `nuxt build` would not copy them to `.output/server/node_modules` and `.output/` alone
 * would fail at the first query (`DRIVER_MISSING`).
 */
export function traceInclude(config: NitroConfigLike, entries: readonly string[]): void {
  if (entries.length === 0) return;
  config.externals ??= {};
  config.externals.traceInclude = [...(config.externals.traceInclude ?? []), ...entries];
}
