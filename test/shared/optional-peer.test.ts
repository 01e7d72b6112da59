/**
 * LAZY_PEERS names every package the library loads by name at run time (`loadPeer`, the
 * sign-in providers' `optionalPeer`, `metrics: true`): the Nuxt module traces exactly these
 * for `.output/`, so a new lazy peer missing from the list would be missing from a deployed
 * Nuxt app.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LAZY_PEERS } from "../../src/shared/optional-peer.ts";

const SRC = join(import.meta.dirname, "../../src");

describe("LAZY_PEERS", () => {
  it("lists exactly the packages src/ loads by name: loadPeer, optionalPeer, the metrics' load()", () => {
    const loaded = new Set<string>();
    for (const file of readdirSync(SRC, { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts")) continue;
      const text = readFileSync(join(SRC, file), "utf8");
      for (const match of text.matchAll(
        /(?:loadPeer|optionalPeer)<.*?>\(\s*"([^"]+)"|\bload\("([^".][^"]*)"\)/g,
      )) {
        loaded.add(match[1] ?? match[2] ?? "");
      }
    }
    expect([...loaded].sort()).toEqual([...LAZY_PEERS].sort());
  });
});
