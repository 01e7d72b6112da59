/**
 * Every `ts` and `tsx` code block of the README and of the docs site (every page under docs/,
 * not the generated API reference in docs/api) compiles, as a package user would copy it:
 * each block is written to its own module inside the repository (so `guest-user` and its
 * subpaths resolve through package.json `exports` to the BUILT `dist/`, as in an app) and
 * type-checked with `tsc --strict`. A snippet that rots fails here, naming its page and line.
 *
 * Four setups, by page: the Next.js page's blocks (and any `tsx` block: JSX needs React's
 * types) compile inside examples/next, installed from the tarball; the SvelteKit page's blocks
 * compile as a SvelteKit app of their own inside examples/sveltekit (`svelte-kit sync` writes
 * their `./$types`; `$lib` and `@sveltejs/kit` resolve); the Nuxt page's blocks compile inside
 * examples/nuxt (Nuxt's generated types: h3's and Nitro's auto-imports); every other block
 * compiles as a Node app.
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

/** A `ts` or `tsx` block: the line it starts on (1-based), its code, its language. */
interface Block {
  /** The Markdown file, e.g. `README.md` or `docs/getting-started/express.md`. */
  readonly source: string;
  readonly line: number;
  readonly code: string;
  readonly lang: "ts" | "tsx";
}

/** The `ts` and `tsx` blocks of a Markdown text. */
function tsBlocks(markdown: string, source: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lang = /^\s*```(tsx?)\s*$/.exec(lines[i] ?? "")?.[1] as Block["lang"] | undefined;
    if (!lang) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== "```") end++;
    blocks.push({ source, line: start + 1, code: lines.slice(start, end).join("\n"), lang });
    i = end;
  }
  return blocks;
}

/**
 * Writes each block as a module of `dir` (at the path its first line names, `// lib/x.ts`,
 * so that blocks importing each other resolve; else `readme-NN.ts` or `.tsx`), and the
 * `extraFiles`, type-checks the folder with `tsconfig`, and answers tsc's complaints with the
 * pages' line numbers ("" when none).
 */
async function compile(
  blocks: readonly Block[],
  dir: string,
  tsconfig: Record<string, unknown>,
  extraFiles: Readonly<Record<string, string>> = {},
  prepare: (dir: string) => Promise<unknown> = async () => {},
): Promise<string> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const lineOf = new Map<string, string>();
  blocks.forEach(({ source, line, code, lang }, index) => {
    const named = /^\/\/ ((?:[\w.[\]+-]+\/)*[\w.[\]+-]+\.tsx?)\b/.exec(code)?.[1];
    const file = named ?? `readme-${String(index + 1).padStart(2, "0")}.${lang}`;
    expect(lineOf.has(file), `${source}:${line} names ${file}, as ${lineOf.get(file)} does`).toBe(
      false,
    );
    lineOf.set(file, `${source}:${line}`);
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    // `export {}`: every snippet is a module of its own (top-level await, no shared names).
    writeFileSync(join(dir, file), `${code}\nexport {};\n`);
  });
  for (const [file, text] of Object.entries(extraFiles)) writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  await prepare(dir);
  const output = await promisify(execFile)(process.execPath, [TSC, "-p", dir], { cwd: ROOT }).then(
    () => "",
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`,
  );
  // Name the pages' lines, not temp files: "README.md:62: error TS2304: ..."
  return output.replace(
    /^(?:.*\.readme-snippets[\w-]*\/)?([\w./[\]+-]+\.tsx?)\((\d+),\d+\)/gm,
    (all, file: string, row: string) =>
      lineOf.has(file) ? lineAt(lineOf.get(file) ?? ":0", Number(row) - 1) : all,
  );
}

/** "docs/guide.md:40" moved down `rows` lines. */
function lineAt(start: string, rows: number): string {
  const [source, line] = start.split(":");
  return `${source}:${Number(line) + rows}`;
}

/**
 * The pages of the docs site: every `.md` under docs/, e.g. `docs/concepts/guests.md`. Never
 * looks into the generated API reference (docs/api, which the docs test rewrites meanwhile),
 * VitePress's own folder or the static files.
 */
function docsPages(folder = "docs"): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true })
    .flatMap((entry) => {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        return ["docs/api", "docs/.vitepress", "docs/public"].includes(path) ? [] : docsPages(path);
      }
      return entry.name.endsWith(".md") ? [path] : [];
    })
    .sort();
}

/** The `ts` and `tsx` blocks of the README and of every page of docs/. */
function documentedBlocks(): Block[] {
  return ["README.md", ...docsPages()].flatMap((source) =>
    tsBlocks(readFileSync(join(ROOT, source), "utf8"), source),
  );
}

/** The page whose blocks compile inside the Next.js example. */
const NEXT_PAGE = "docs/getting-started/nextjs.md";
/** The page whose blocks compile as a SvelteKit app inside the SvelteKit example. */
const SVELTEKIT_PAGE = "docs/getting-started/sveltekit.md";
/** The page whose blocks compile inside the Nuxt example. */
const NUXT_PAGE = "docs/getting-started/nuxt.md";

/** Where a block compiles: in the Next (its page, and JSX), SvelteKit or Nuxt example, or as Node code. */
function setupOf(block: Block): "next" | "sveltekit" | "nuxt" | "node" {
  if (block.source === NEXT_PAGE || block.lang === "tsx") return "next";
  if (block.source === SVELTEKIT_PAGE) return "sveltekit";
  if (block.source === NUXT_PAGE) return "nuxt";
  return "node";
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
    const plain = blocks.filter((block) => setupOf(block) === "node");
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
    expect(report, "README and docs snippets that do not compile").toBe("");
  }, 120_000);

  // The Next.js blocks need `next` (and tsx blocks React): they compile inside the example,
  // installed as a user would.
  it("of the Next.js page (and every tsx block) compile inside examples/next, installed from the tarball", async () => {
    const blocks = documentedBlocks().filter((block) => setupOf(block) === "next");
    expect(blocks.filter((block) => block.source === NEXT_PAGE).length).toBeGreaterThan(3);
    expect(blocks.some((block) => block.lang === "tsx")).toBe(true);
    const work = join(await installExample("next"), ".readme-snippets");
    try {
      const report = await compile(blocks, work, {
        extends: "../tsconfig.json",
        compilerOptions: { incremental: false, noEmit: true },
        include: ["**/*.ts", "**/*.tsx"],
      });
      expect(report, "Next.js snippets that do not compile").toBe("");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 1_200_000);

  // The SvelteKit blocks need `@sveltejs/kit` and their routes' `./$types`: they compile as a
  // SvelteKit app of their own (the example's config, its installed packages) once
  // `svelte-kit sync` wrote the types of their routes.
  it("of the SvelteKit page compile as an app inside examples/sveltekit, installed from the tarball", async () => {
    const blocks = documentedBlocks().filter((block) => setupOf(block) === "sveltekit");
    expect(blocks.length).toBeGreaterThan(3);
    const example = await installExample("sveltekit");
    const work = join(example, ".readme-snippets");
    const config = (file: string) => readFileSync(join(example, file), "utf8");
    try {
      const report = await compile(
        blocks,
        work,
        {
          extends: "./.svelte-kit/tsconfig.json",
          compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, types: ["node"] },
          include: [
            "src/**/*.ts",
            ".svelte-kit/ambient.d.ts",
            ".svelte-kit/non-ambient.d.ts",
            ".svelte-kit/types/**/$types.d.ts",
          ],
        },
        { "package.json": config("package.json"), "svelte.config.js": config("svelte.config.js") },
        (dir) =>
          promisify(execFile)(
            process.execPath,
            [join(example, "node_modules/@sveltejs/kit/svelte-kit.js"), "sync"],
            { cwd: dir },
          ),
      );
      expect(report, "SvelteKit snippets that do not compile").toBe("");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 1_200_000);

  // The Nuxt blocks use Nitro's and h3's auto-imports (`defineEventHandler`, `readBody`...):
  // they compile inside the example, installed as a user would, with the types `nuxt
  // prepare` generated there (its postinstall) for `server/`.
  it("of the Nuxt page compile inside examples/nuxt, installed from the tarball", async () => {
    const blocks = documentedBlocks().filter((block) => setupOf(block) === "nuxt");
    expect(blocks.length).toBeGreaterThan(3);
    const work = join(await installExample("nuxt"), ".readme-snippets");
    try {
      const report = await compile(blocks, work, {
        extends: "../.nuxt/tsconfig.server.json",
        compilerOptions: { noEmit: true },
        include: [
          "**/*.ts",
          "../.nuxt/types/nitro-nuxt.d.ts",
          "../.nuxt/types/nitro.d.ts",
          "../.nuxt/nuxt.node.d.ts",
        ],
      });
      expect(report, "Nuxt snippets that do not compile").toBe("");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 1_200_000);
});
