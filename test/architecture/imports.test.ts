import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cruise, type ICruiseOptions, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The rules of .dependency-cruiser.cjs (what `npm run check:imports` runs in CI), run through
// dependency-cruiser's API: on src/, and on a fixture that breaks each rule once.

const ROOT = resolve(import.meta.dirname, "../..");

/** The options `depcruise --config .dependency-cruiser.cjs` runs with, its rule set included. */
async function repositoryOptions(): Promise<ICruiseOptions> {
  return extractDepcruiseOptions(join(ROOT, ".dependency-cruiser.cjs"));
}

/** Every violation found under src/ of `baseDir`, as "rule: from → to" lines (a circle whole). */
async function violations(
  baseDir: string,
  options: ICruiseOptions,
  tsConfigFile?: string,
): Promise<string[]> {
  const tsConfig = tsConfigFile === undefined ? undefined : extractTSConfig(tsConfigFile);
  const { output } = await cruise(["src"], { ...options, baseDir }, undefined, { tsConfig });
  const result = output as ICruiseResult;
  return result.summary.violations.map((violation) => {
    const path = violation.cycle?.map((step) => step.name).join(" → ") ?? violation.to;
    return `${violation.rule.name}: ${violation.from} → ${path}`;
  });
}

describe("import rules (dependency-cruiser, type-only imports included)", () => {
  it("src/ has no import circle and data flows one way: adapters -> http -> core -> store", async () => {
    const options = await repositoryOptions();
    const tsConfig = join(ROOT, "tsconfig.json");
    const found = await violations(
      ROOT,
      { ...options, tsConfig: { fileName: tsConfig } },
      tsConfig,
    );
    expect(found).toEqual([]);
  });

  describe("the check catches what it should", () => {
    let fixture = "";
    /** Each fixture file: its path under src/ and its text. */
    const FILES: Record<string, string> = {
      // A two-file circle made only of type imports (erased at run time, still a circle).
      "http/a.ts": 'import type { B } from "./b.ts";\nexport interface A { b?: B }\n',
      "http/b.ts": 'import type { A } from "./a.ts";\nexport interface B { a?: A }\n',
      "core/model.ts": "export type Model = string;\n",
      "core/reaches-up.ts": 'import type { A } from "../http/a.ts";\nexport type Up = A;\n',
      "core/framework.ts": 'import type { Request } from "express";\nexport type R = Request;\n',
      "store/reaches-up.ts":
        'import type { Model } from "../core/model.ts";\nexport type S = Model;\n',
      "shared/reaches-up.ts":
        'import type { Model } from "../core/model.ts";\nexport type H = Model;\n',
      "http/reaches-up.ts": 'import type { X } from "../adapters/x.ts";\nexport type Y = X;\n',
      "adapters/x.ts": 'import type { A } from "../http/a.ts";\nexport type X = A;\n',
      // Allowed: down the layers.
      "store/rows.ts": "export type Row = { id: string };\n",
      "core/reads-store.ts": 'import type { Row } from "../store/rows.ts";\nexport type C = Row;\n',
      "http/reads-core.ts":
        'import type { Model } from "../core/model.ts";\nexport type W = Model;\n',
    };

    beforeAll(() => {
      fixture = mkdtempSync(join(tmpdir(), "guest-user-imports-"));
      for (const [file, text] of Object.entries(FILES)) {
        const path = join(fixture, "src", file);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
    });
    afterAll(() => rmSync(fixture, { recursive: true, force: true }));

    it("reports the type-only circle (once) and each flow rule broken, and nothing allowed", async () => {
      const options = await repositoryOptions();
      const found = await violations(fixture, { ...options, tsConfig: undefined });
      expect(found.sort()).toEqual(
        [
          "core-imports-no-framework-or-driver: src/core/framework.ts → express",
          "core-stays-framework-free: src/core/reaches-up.ts → src/http/a.ts",
          "http-stays-below-adapters: src/http/reaches-up.ts → src/adapters/x.ts",
          "no-circular: src/http/a.ts → src/http/b.ts → src/http/a.ts",
          "shared-is-the-ground-floor: src/shared/reaches-up.ts → src/core/model.ts",
          "store-stays-below-core: src/store/reaches-up.ts → src/core/model.ts",
        ].sort(),
      );
    });
  });
});
