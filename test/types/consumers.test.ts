import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
const TYPES = import.meta.dirname;
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
// A scratch project under node_modules: module resolution finds hono/express/fastify from
// there, and the repository's own tsconfig never includes it.
const SCRATCH = join(ROOT, "node_modules", ".cache", `guest-user-types-${process.pid}`);

const misuse = readFileSync(join(TYPES, "misuse.ts"), "utf8").split("\n");
const isDirective = (line: string) => /^\s*\/\/ @ts-expect-error/.test(line);
/** The lines of the directive-free copy of misuse.ts that must fail: those after a directive. */
const mustFail = misuse
  .map((line, index) => (isDirective(line) ? index + 1 : 0))
  .filter((line) => line > 0)
  .map((line, removed) => line - removed);

/**
 * One `tsc --noEmit` (strict, the settings of test/types/tsconfig.json, `guest-user/*` mapped
 * to src) over the consumers, misuse.ts, and a copy of misuse.ts without its
 * `@ts-expect-error` lines: one run, as type-checking the adapters takes seconds.
 */
let errors: { file: string; line: number; text: string }[] = [];
let exitCode = 0;

describe("the adapters' types, as a package user meets them (tsc --strict)", () => {
  beforeAll(async () => {
    mkdirSync(SCRATCH, { recursive: true });
    writeFileSync(
      join(SCRATCH, "misuse-copy.ts"),
      misuse.filter((l) => !isDirective(l)).join("\n"),
    );
    writeFileSync(
      join(SCRATCH, "tsconfig.json"),
      JSON.stringify({
        extends: join(TYPES, "tsconfig.json"),
        include: [join(TYPES, "*.ts"), "./misuse-copy.ts"],
        exclude: [join(TYPES, "*.test.ts")],
      }),
    );
    let output = "";
    try {
      await run(process.execPath, [TSC, "--noEmit", "--pretty", "false", "-p", SCRATCH], {
        cwd: ROOT,
      });
    } catch (error) {
      const failed = error as { code?: number; stdout?: string };
      exitCode = failed.code ?? 1;
      output = failed.stdout ?? "";
    }
    errors = [...output.matchAll(/^(.+?)\((\d+),\d+\): error (.*)$/gm)].map((match) => ({
      file: match[1] ?? "",
      line: Number(match[2]),
      text: match[3] ?? "",
    }));
  }, 240_000);
  afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

  it("the Express, Hono, Fastify and framework-free consumers compile, and every `@ts-expect-error` of misuse.ts is needed", () => {
    expect(errors.filter((error) => !error.file.endsWith("misuse-copy.ts"))).toEqual([]);
  });

  it("without its directives, misuse.ts fails exactly where they were (and tsc exits non-zero)", () => {
    expect(mustFail).toHaveLength(8);
    expect(errors.map((error) => error.line)).toEqual(mustFail);
    expect(exitCode).not.toBe(0);
  });
});
