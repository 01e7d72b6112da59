/**
 * Every `ts` code block of the README compiles, as a package user would copy it: each block
 * is written to its own module inside the repository (so `guest-user` and its subpaths
 * resolve through package.json `exports` to the BUILT `dist/`, as in an app) and type-checked
 * with `tsc --strict`. A snippet that rots fails here, naming its README line.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { installExample } from "../../scripts/packed.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const WORK = join(ROOT, ".readme-snippets");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** A `ts` block: the README line it starts on (1-based), its code, the section it is in. */
interface Block {
  /** The Markdown file, e.g. `README.md` or `docs/guide.md`. */
  readonly source: string;
  readonly line: number;
  readonly code: string;
  readonly section: string;
}

/** The `ts` blocks of a Markdown text. */
function tsBlocks(markdown: string, source: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? "";
    if (/^#{1,4} /.test(text)) section = text.replace(/^#+ /, "");
    if (text.trim() !== "```ts") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== "```") end++;
    blocks.push({ source, line: start + 1, code: lines.slice(start, end).join("\n"), section });
    i = end;
  }
  return blocks;
}

/**
 * Writes each block as a module of `dir` (at the path its first line names, `// lib/x.ts`,
 * so that blocks importing each other resolve; else `readme-NN.ts`), type-checks the folder
 * with `tsconfig`, and answers tsc's complaints with README line numbers ("" when none).
 */
async function compile(
  blocks: readonly Block[],
  dir: string,
  tsconfig: Record<string, unknown>,
): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const lineOf = new Map<string, string>();
  blocks.forEach(({ source, line, code }, index) => {
    const named = /^\/\/ ((?:[\w.[\]-]+\/)*[\w.[\]-]+\.ts)\b/.exec(code)?.[1];
    const file = named ?? `readme-${String(index + 1).padStart(2, "0")}.ts`;
    lineOf.set(file, `${source}:${line}`);
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    // `export {}`: every snippet is a module of its own (top-level await, no shared names).
    writeFileSync(join(dir, file), `${code}\nexport {};\n`);
  });
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  const output = await promisify(execFile)(process.execPath, [TSC, "-p", dir], { cwd: ROOT }).then(
    () => "",
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`,
  );
  // Name README lines, not temp files: "README.md:62: error TS2304: ..."
  return output.replace(
    /^(?:.*\.readme-snippets\/)?([\w./[\]-]+\.ts)\((\d+),\d+\)/gm,
    (all, file: string, row: string) =>
      lineOf.has(file) ? lineAt(lineOf.get(file) ?? ":0", Number(row) - 1) : all,
  );
}

/** "docs/guide.md:40" moved down `rows` lines. */
function lineAt(start: string, rows: number): string {
  const [source, line] = start.split(":");
  return `${source}:${Number(line) + rows}`;
}

/** The `ts` blocks of the README and of every page of docs/. */
function documentedBlocks(): Block[] {
  const pages = readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", ...pages].flatMap((source) =>
    tsBlocks(readFileSync(join(ROOT, source), "utf8"), source),
  );
}

describe("the README's and the docs' TypeScript snippets", () => {
  afterAll(() => {
    rmSync(WORK, { recursive: true, force: true });
  });

  it("compile under --strict against the built package", async () => {
    expect(
      existsSync(join(ROOT, "dist", "index.d.ts")),
      "dist/ is missing: run `npm run build` first (`npm test` does)",
    ).toBe(true);
    const blocks = documentedBlocks();
    expect(blocks.length).toBeGreaterThan(10);
    const plain = blocks.filter((block) => !block.section.startsWith("Next.js"));
    const report = await compile(plain, WORK, {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "es2022",
        lib: ["es2023", "dom", "dom.iterable"],
        module: "nodenext",
        moduleResolution: "nodenext",
        types: ["node"],
        skipLibCheck: true,
      },
      include: ["**/*.ts"],
    });
    expect(report, "README snippets that do not compile").toBe("");
  }, 120_000);

  // The Next.js blocks need `next`: they compile inside the example, installed as a user would.
  it("of the Next.js section compile inside examples/next, installed from the tarball", async () => {
    const blocks = documentedBlocks().filter((block) => block.section.startsWith("Next.js"));
    expect(blocks.length).toBeGreaterThan(3);
    const work = join(await installExample("next"), ".readme-snippets");
    try {
      const report = await compile(blocks, work, {
        extends: "../tsconfig.json",
        compilerOptions: { incremental: false, noEmit: true },
        include: ["**/*.ts"],
      });
      expect(report, "README Next.js snippets that do not compile").toBe("");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 1_200_000);
});
