/**
 * Every `ts` code block of the README compiles, as a package user would copy it: each block
 * is written to its own module inside the repository (so `guest-user` and its subpaths
 * resolve through package.json `exports` to the BUILT `dist/`, as in an app) and type-checked
 * with `tsc --strict`. A snippet that rots fails here, naming its README line.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const WORK = join(ROOT, ".readme-snippets");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** The `ts` blocks of a Markdown text, with the line each starts on (1-based). */
export function tsBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== "```ts") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== "```") end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

describe("the README's TypeScript snippets", () => {
  afterAll(() => rmSync(WORK, { recursive: true, force: true }));

  it("compile under --strict against the built package", async () => {
    expect(
      existsSync(join(ROOT, "dist", "index.d.ts")),
      "dist/ is missing: run `npm run build` first (`npm test` does)",
    ).toBe(true);
    const blocks = tsBlocks(readFileSync(join(ROOT, "README.md"), "utf8"));
    expect(blocks.length).toBeGreaterThan(10);
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    const names = new Map<string, number>();
    blocks.forEach(({ line, code }, index) => {
      const name = `readme-${String(index + 1).padStart(2, "0")}.ts`;
      names.set(name, line);
      // `export {}`: every snippet is a module of its own (top-level await, no shared names).
      writeFileSync(join(WORK, name), `${code}\nexport {};\n`);
    });
    writeFileSync(
      join(WORK, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "es2022",
          lib: ["es2023", "dom", "dom.iterable"],
          module: "nodenext",
          moduleResolution: "nodenext",
          types: ["node"],
          skipLibCheck: true,
          experimentalDecorators: false,
        },
        include: ["*.ts"],
      }),
    );
    const result = await promisify(execFile)(process.execPath, [TSC, "-p", WORK], {
      cwd: ROOT,
    }).then(
      () => ({ ok: true, output: "" }),
      (error: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${error.stdout ?? ""}${error.stderr ?? ""}`,
      }),
    );
    // Name README lines, not temp files: "README.md:62 (+3): error TS2304: ..."
    const report = result.output.replace(
      /(?:\.readme-snippets\/)?(readme-\d+\.ts)\((\d+),(\d+)\)/g,
      (_all, file: string, row: string) => `README.md:${(names.get(file) ?? 0) + Number(row) - 1}`,
    );
    expect(report, "README snippets that do not compile").toBe("");
    expect(result.ok).toBe(true);
  }, 120_000);
});
