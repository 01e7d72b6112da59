import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");
const DIALECTS = join(SRC, "store/dialects");

/** Every TypeScript file under `dir`, src/store/dialects/ left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === DIALECTS ? [] : sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** A test of which database this is: `quirks.name === ...`, `dialect !== ...`, `switch (dialect)`. */
const ASKS_DIALECT =
  /(?:quirks\.name|\bdialect)\s*[!=]==|switch\s*\(\s*(?:quirks\.name|dialect)\s*\)/;

it("keeps every SQL difference behind the dialect seam: no file outside src/store/dialects/ asks which database it is on", () => {
  const asking = sources(SRC).flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, i) =>
        ASKS_DIALECT.test(line) ? [`${relative(SRC, file)}:${i + 1}: ${line.trim()}`] : [],
      ),
  );
  expect(asking).toEqual([]);
});
