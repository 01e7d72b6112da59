import { execFile } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEntries, reportFileName } from "../scripts/api-report.ts";

// Runs the real driver (API Extractor on dist/, so `npm run build` first) against reports in a
// temporary folder: the committed api/ folder is never read as the reference nor written.
const ROOT = join(import.meta.dirname, "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const DRIVER = join(ROOT, "scripts", "api-report.ts");
const COMMITTED = join(ROOT, "api");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function driver(mode: "check" | "update", reportsDir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [DRIVER, mode, "--reports-dir", reportsDir], { cwd: ROOT }, (error, out, err) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout: String(out), stderr: String(err) });
    });
  });
}

/** The committed reports' contents, to show the test leaves them alone. */
function snapshot(): Record<string, string> {
  if (!existsSync(COMMITTED)) return {};
  const files = readdirSync(COMMITTED).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(COMMITTED, f), "utf8")]));
}

describe("the API report check (npm run api:check)", () => {
  const { entries } = readEntries(ROOT);
  let dir = "";
  let before: Record<string, string> = {};

  beforeAll(async () => {
    before = snapshot();
    dir = mkdtempSync(join(tmpdir(), "guest-user-api-test-"));
    const update = await driver("update", dir);
    expect(update.stderr).toBe("");
    expect(update.code).toBe(0);
  });

  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("names one report per subpath in package.json exports", () => {
    expect(reportFileName("guest-user", ".")).toBe("guest-user.api.md");
    expect(reportFileName("guest-user", "./express")).toBe("guest-user-express.api.md");
    expect(reportFileName("@scope/pkg", "./a/b")).toBe("scope-pkg-a-b.api.md");
    expect(entries.map((entry) => entry.subpath)).not.toContain("./package.json");
    expect(readdirSync(dir).sort()).toEqual(entries.map((entry) => entry.reportFile).sort());
  });

  it("passes when the reports match the build", async () => {
    const check = await driver("check", dir);
    expect(check.stderr).toBe("");
    expect(check.stdout).toContain(`API reports match the build (${entries.length} subpaths)`);
    expect(check.code).toBe(0);
  });

  it("fails on a changed, a missing and a stale report, naming each and the fix", async () => {
    const changed = entries[0];
    const removed = entries.at(-1);
    if (changed === undefined || removed === undefined || changed === removed) {
      throw new Error('package.json "exports" needs two subpaths for this test');
    }
    const changedPath = join(dir, changed.reportFile);
    const text = readFileSync(changedPath, "utf8");
    writeFileSync(changedPath, text.replace("```ts\n", "```ts\n\nexport function gone(): void;\n"));
    unlinkSync(join(dir, removed.reportFile));
    writeFileSync(join(dir, "guest-user-retired.api.md"), "old report\n");

    const check = await driver("check", dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      `differs from the committed report for: ${changed.subpath} (${changed.reportFile})`,
    );
    expect(check.stderr).toContain("- export function gone(): void;");
    expect(check.stderr).toContain(
      `No committed API report for the new subpath(s): ${removed.subpath} (${removed.reportFile})`,
    );
    expect(check.stderr).toContain("subpaths no longer exported: guest-user-retired.api.md");
    expect(check.stderr).toContain("run `npm run build && npm run api:update` and commit api/");
    // Check mode writes nothing: the modified folder is as the test left it.
    expect(readFileSync(changedPath, "utf8")).toContain("export function gone(): void;");
    expect(existsSync(join(dir, removed.reportFile))).toBe(false);
    expect(snapshot()).toEqual(before);
  });
});
