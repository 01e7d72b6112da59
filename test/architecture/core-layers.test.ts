import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The core in layers, each importing only the ones below it (type-only imports included):
// model < config < runtime < operations < the GuestUsers facade. Same-layer imports are
// allowed as long as they form no circle.

const ROOT = resolve(import.meta.dirname, "../..");
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms;
const LAYERS = ["model", "config", "runtime", "operations", "facade"] as const;

/** The relative imports of a source file (type-only ones included), as repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(IMPORT)].map((match) => join(dirname(file), match[1] ?? ""));
}

/** The layer of a file of src/core, by its folder; the facade is `guest-users.ts`. */
function layerOf(file: string): number {
  if (file === "src/core/guest-users.ts") return LAYERS.indexOf("facade");
  const folder = file.split("/")[2] ?? "";
  return LAYERS.indexOf(folder as (typeof LAYERS)[number]);
}

const CORE = readdirSync(join(ROOT, "src/core"), { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".ts"))
  .map((name) => join("src/core", name));

/** The imports of `file` that stay inside src/core. */
const coreImportsOf = (file: string) => importsOf(file).filter((to) => to.startsWith("src/core/"));

type Graph = (file: string) => readonly string[];

/** Every import of a file of a lower layer from a higher one, as "from (layer) -> to (layer)". */
function upwardImports(files: readonly string[], graph: Graph): string[] {
  return files.flatMap((file) =>
    graph(file)
      .filter((to) => layerOf(to) > layerOf(file))
      .map((to) => `${file} (${LAYERS[layerOf(file)]}) -> ${to} (${LAYERS[layerOf(to)]})`),
  );
}

/** The import circles among `files` (type-only imports included), each as "a -> b -> a". */
function circlesAmong(files: readonly string[], graph: Graph): string[] {
  const circles: string[] = [];
  const done = new Set<string>();
  const visit = (file: string, path: readonly string[]) => {
    const seen = path.indexOf(file);
    if (seen >= 0) {
      circles.push([...path.slice(seen), file].join(" -> "));
      return;
    }
    if (done.has(file)) return;
    for (const to of graph(file)) visit(to, [...path, file]);
    done.add(file);
  };
  for (const file of files) visit(file, []);
  return circles;
}

describe("the core in layers", () => {
  it("puts every file of src/core in a layer", () => {
    expect(CORE.length).toBeGreaterThan(40);
    for (const file of CORE) expect(layerOf(file), file).toBeGreaterThanOrEqual(0);
  });

  it("imports no higher layer from any file", () => {
    expect(upwardImports(CORE, coreImportsOf)).toEqual([]);
  });

  it("has no import circle", () => {
    expect(circlesAmong(CORE, coreImportsOf)).toEqual([]);
  });

  it("reports an upward import and a circle when there is one", () => {
    const config = "src/core/config/options.ts";
    const operation = "src/core/operations/cleanup.ts";
    const graph: Record<string, string[]> = { [config]: [operation], [operation]: [config] };
    const edges = (file: string) => graph[file] ?? [];
    expect(upwardImports([config, operation], edges)).toEqual([
      `${config} (config) -> ${operation} (operations)`,
    ]);
    expect(circlesAmong([config, operation], edges)).toEqual([
      `${config} -> ${operation} -> ${config}`,
    ]);
    expect(coreImportsOf("src/core/guest-users.ts")).toContain("src/core/config/settings.ts");
  });
});
