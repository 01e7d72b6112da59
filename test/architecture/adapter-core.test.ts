import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms;

/** The relative imports of a source file (type-only ones included), as repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(IMPORT)].map((match) => join(dirname(file), match[1] ?? ""));
}

/** Every file `file` reaches through its imports, itself excluded. */
function reachable(file: string): Set<string> {
  const seen = new Set<string>();
  const queue = importsOf(file);
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...importsOf(next));
  }
  return seen;
}

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => join(folder, name));
}

describe("one adapter core, one creation gate", () => {
  it("the creation gate and the CSRF protection never reach back into the web layer's facade", () => {
    for (const file of [...sourcesUnder("src/http/gate"), "src/http/csrf.ts"]) {
      expect(reachable(file), file).not.toContain("src/http/guest-user-http.ts");
    }
  });

  it("no adapter answers failures itself: they all go through src/http/adapter-core.ts", () => {
    for (const file of sourcesUnder("src/adapters")) {
      const text = readFileSync(join(ROOT, file), "utf8");
      expect(text, file).not.toMatch(/\bhttp\.failure\(|client-abort\.ts/);
    }
  });

  it("each adapter's documented type is the one generic adapter type", () => {
    for (const adapter of ["express", "fastify", "hono", "next", "sveltekit", "nuxt"]) {
      const types = readFileSync(join(ROOT, `src/adapters/${adapter}/types.ts`), "utf8");
      expect(types, adapter).toMatch(/GuestUserAdapter<\w+AdapterTypes>/);
    }
  });
});
