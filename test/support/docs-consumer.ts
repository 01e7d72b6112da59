/**
 * A new user's project, made as the docs' getting-started pages say: an empty folder outside
 * the repository, `npm init -y` and `npm pkg set type=module` (the index page), then each
 * page's own `npm i` lines with the packed tarball in place of `guest-user`, plus TypeScript
 * and Node's types to compile (Node 20 cannot run `.ts`). Installed once per tarball and set of
 * install lines (a new tarball alone is unpacked over the installed one, as `installExample`
 * does); used by test/docs/quick-starts.test.ts.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { EXAMPLES_HOME, locked, npm, packedTarball } from "../../scripts/packed.ts";

/** What compiles the quick starts, beside the pages' own packages (versions for Node 20). */
export const COMPILER_PACKAGES = ["typescript@5.9", "@types/node@20"] as const;

/** The first fenced block of `lang` in a Markdown text, exactly as written ("" when none). */
export function firstBlock(markdown: string, lang: string): string {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.trim() === `\`\`\`${lang}`);
  if (start < 0) return "";
  const end = lines.findIndex((line, index) => index > start && line.trim() === "```");
  return lines.slice(start + 1, end).join("\n");
}

/** The packages of the `npm i` lines of a `sh` block: dependencies and `-D` ones. */
export interface InstallLine {
  readonly dependencies: readonly string[];
  readonly dev: readonly string[];
}

/** Reads the `npm i ...` lines of a `sh` block (comments dropped), in order. */
export function installLines(sh: string): InstallLine {
  const dependencies: string[] = [];
  const dev: string[] = [];
  for (const line of sh.split("\n")) {
    const words = line.replace(/#.*/, "").trim().split(/\s+/);
    if (words[0] !== "npm" || !["i", "install"].includes(words[1] ?? "")) continue;
    const isDev = words.some((word) => word === "-D" || word === "--save-dev");
    const packages = words.slice(2).filter((word) => !word.startsWith("-"));
    (isDev ? dev : dependencies).push(...packages);
  }
  return { dependencies, dev };
}

const run = promisify(execFile);

/**
 * The consumer folder with `install` done: every page's dependencies in one `npm i` (the
 * tarball for `guest-user`), then the dev ones and {@link COMPILER_PACKAGES} in `npm i -D`.
 */
export async function installConsumer(install: InstallLine): Promise<string> {
  const tarball = await packedTarball();
  const dependencies = [...new Set(install.dependencies)].map((name) =>
    name === "guest-user" ? tarball : name,
  );
  const dev = [...new Set([...install.dev, ...COMPILER_PACKAGES])];
  return locked("install-docs-consumer", async () => {
    const dir = join(EXAMPLES_HOME, "docs-consumer");
    const stamps = join(dir, "node_modules", ".guest-user-install");
    const digest = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");
    const wanted = {
      lines: digest(JSON.stringify({ dependencies, dev })),
      tarball: digest(readFileSync(tarball)),
    };
    const installed = existsSync(stamps) ? readFileSync(stamps, "utf8") : "";
    if (!installed.startsWith(`${wanted.lines} `)) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await npm(["init", "-y"], dir);
      await npm(["pkg", "set", "type=module"], dir);
      await npm(["i", "--no-audit", "--no-fund", ...dependencies], dir);
      await npm(["i", "-D", "--no-audit", "--no-fund", ...dev], dir);
    } else if (installed !== `${wanted.lines} ${wanted.tarball}`) {
      const target = join(dir, "node_modules", "guest-user");
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target);
      await run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
    }
    writeFileSync(stamps, `${wanted.lines} ${wanted.tarball}`);
    return dir;
  });
}

/** Compiles the consumer's `.ts` files with tsc (strict, nodenext) to JS beside them; tsc's complaints or "". */
export async function compileConsumer(dir: string, folders: readonly string[]): Promise<string> {
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        types: ["node"],
        skipLibCheck: true,
      },
      include: folders.map((folder) => `${folder}/**/*.ts`),
    }),
  );
  const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
  return run(process.execPath, [tsc, "-p", dir], { cwd: dir }).then(
    () => "",
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`,
  );
}
