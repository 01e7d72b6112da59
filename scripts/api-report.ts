/**
 * API report: the public surface of every subpath in package.json "exports", one API Extractor
 * report per subpath in `api/`, built from the .d.ts files in `dist/` (run `npm run build` first).
 *
 *   tsx scripts/api-report.ts check    compare the built surface with api/ (exit 1 on a difference)
 *   tsx scripts/api-report.ts update   rewrite api/ from the build
 *
 * `--reports-dir <dir>` compares with (or writes to) another folder than api/ (used by the test).
 * Reports are generated into a temporary folder first, so `check` never writes to api/.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ExtractorMessage } from "@microsoft/api-extractor";
import type ts from "typescript";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const FIX = "run `npm run build && npm run api:update` and commit api/";
const REPORT_SUFFIX = ".api.md";

/** One public entry point: the subpath as users import it and its built declaration file. */
export interface ApiEntry {
  subpath: string;
  /** Absolute path of the entry's .d.ts in dist/. */
  dtsPath: string;
  /** Report file name in api/, e.g. `guest-user-express.api.md`. */
  reportFile: string;
}

/**
 * The report file name for a subpath: `.` → `guest-user.api.md`, `./express` → `guest-user-express.api.md`,
 * `./a/b` → `guest-user-a-b.api.md`.
 * @example reportFileName("guest-user", "./express") // "guest-user-express.api.md"
 */
export function reportFileName(packageName: string, subpath: string): string {
  const base = packageName.replace(/^@/, "").replace(/\//g, "-");
  const rest = subpath.replace(/^\.\/?/, "").replace(/[^A-Za-z0-9._-]+/g, "-");
  return `${rest === "" ? base : `${base}-${rest}`}${REPORT_SUFFIX}`;
}

/** The `types` file of an "exports" value (string, condition object, or nested conditions). */
function typesOf(target: unknown): string | undefined {
  if (typeof target === "string") return target.endsWith(".d.ts") ? target : undefined;
  if (target === null || typeof target !== "object") return undefined;
  const conditions = target as Record<string, unknown>;
  if (typeof conditions.types === "string") return conditions.types;
  for (const key of ["import", "node", "default"]) {
    const found = typesOf(conditions[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Reads package.json "exports" at run time: every subpath except ./package.json. */
export function readEntries(root: string): { packageName: string; entries: ApiEntry[] } {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    name: string;
    exports?: Record<string, unknown>;
  };
  const entries: ApiEntry[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (subpath === "./package.json") continue;
    const types = typesOf(target);
    if (types === undefined) {
      throw new Error(`package.json "exports" ${subpath} has no "types" condition ending in .d.ts`);
    }
    entries.push({
      subpath,
      dtsPath: resolve(root, types),
      reportFile: reportFileName(pkg.name, subpath),
    });
  }
  return { packageName: pkg.name, entries };
}

type Extractor = typeof import("@microsoft/api-extractor");

/** The API Extractor configuration for one entry; reports go to `workDir` only. */
function configFor(ae: Extractor, entry: ApiEntry, dtsFiles: string[], workDir: string) {
  const { ExtractorConfig, ExtractorLogLevel } = ae;
  const none = { logLevel: ExtractorLogLevel.None };
  return ExtractorConfig.prepare({
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: entry.dtsPath,
      bundledPackages: [],
      newlineKind: "lf",
      compiler: {
        skipLibCheck: true,
        overrideTsconfig: {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            lib: ["ES2023", "DOM", "DOM.Iterable"],
            types: ["node"],
            strict: true,
            skipLibCheck: true,
          },
          files: dtsFiles,
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.reportFile.slice(0, -REPORT_SUFFIX.length),
        reportFolder: workDir,
        reportTempFolder: join(workDir, "temp"),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
          // No @public/@beta tags in this project: everything exported is public.
          "ae-missing-release-tag": none,
          "ae-undocumented": none,
          // {@link X} resolves against the root entry only: doc-comment noise in subpath reports.
          "ae-unresolved-link": none,
          // Routed to the driver, which keeps only the types that NO subpath exports.
          "ae-forgotten-export": { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: false },
        },
        // The JSDoc here uses @default/@example JSDoc-style; TSDoc syntax warnings are noise.
        tsdocMessageReporting: { default: none },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(ROOT, "package.json"),
  });
}

/** Every name under which some entry exports something (aliases resolved by the checker). */
function exportedNames(program: ts.Program, dtsFiles: string[]): Set<string> {
  const checker = program.getTypeChecker();
  const names = new Set<string>();
  for (const file of dtsFiles) {
    const source = program.getSourceFile(file);
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`TypeScript could not read ${file}`);
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) names.add(symbol.name);
  }
  return names;
}

/** Generates the report text of every entry, in order, plus the forgotten exports per entry. */
async function generateAll(entries: ApiEntry[], workRoot: string): Promise<string[]> {
  const ae = await import("@microsoft/api-extractor");
  const { CompilerState, Extractor, ExtractorLogLevel } = ae;
  const dtsFiles = entries.map((entry) => entry.dtsPath);
  const first = entries[0];
  if (first === undefined) throw new Error('package.json "exports" lists no subpath');
  // One TypeScript program for all entries: faster, and it tells which names some entry exports.
  const compilerState = CompilerState.create(configFor(ae, first, dtsFiles, workRoot));
  const exported = exportedNames(compilerState.program as ts.Program, dtsFiles);
  const texts: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const workDir = join(workRoot, String(index));
    const problems: string[] = [];
    const forgotten = new Map<string, string>();
    const result = Extractor.invoke(configFor(ae, entry, dtsFiles, workDir), {
      localBuild: true,
      compilerState,
      showVerboseMessages: false,
      messageCallback: (message: ExtractorMessage) => {
        message.handled = true;
        const name = /^The symbol "(.+)" needs to be exported/.exec(message.text)?.[1];
        if (message.messageId === "ae-forgotten-export" && name !== undefined) {
          const where = message.sourceFilePath ? relative(ROOT, message.sourceFilePath) : "?";
          if (!exported.has(name) && !forgotten.has(name)) forgotten.set(name, where);
        } else if (
          message.logLevel === ExtractorLogLevel.Error ||
          (message.logLevel === ExtractorLogLevel.Warning && message.category !== "console")
        ) {
          problems.push(`  ${message.messageId}: ${message.text}`);
        }
      },
    });
    if (result.errorCount > 0 || problems.length > 0) {
      throw new Error(`API Extractor failed on ${entry.subpath}:\n${problems.join("\n")}`);
    }
    let text = readFileSync(join(workDir, entry.reportFile), "utf8");
    if (forgotten.size > 0) {
      const list = [...forgotten]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, where]) => `- \`${name}\` (used in ${where.split(sep).join("/")})`);
      text += `\n## Warning: ae-forgotten-export\n\nPublic names here refer to these types, which no subpath in package.json "exports" exports:\n\n${list.join("\n")}\n`;
    }
    texts.push(text);
  }
  return texts;
}

/** The lines only in the committed report (-) and only in the build (+), at most 20 of each. */
function lineDiff(committed: string, built: string): string {
  const a = committed.split("\n");
  const b = built.split("\n");
  const only = (xs: string[], ys: Set<string>, mark: string) =>
    xs
      .filter((line) => !ys.has(line))
      .slice(0, 20)
      .map((line) => `${mark} ${line}`);
  return [...only(a, new Set(b), "-"), ...only(b, new Set(a), "+")].join("\n");
}

/** Generates every report and compares with (check) or writes to (update) `reportsDir`. */
export async function apiReport(mode: "check" | "update", reportsDir: string): Promise<number> {
  const { entries } = readEntries(ROOT);
  const missingBuild = entries.filter((entry) => !existsSync(entry.dtsPath));
  if (missingBuild.length > 0) {
    const list = missingBuild.map((e) => `${e.subpath} (${relative(ROOT, e.dtsPath)})`).join(", ");
    console.error(`API report: no build for ${list}. Run \`npm run build\` first.`);
    return 1;
  }
  const workRoot = mkdtempSync(join(tmpdir(), "guest-user-api-"));
  const differing: string[] = [];
  const missing: string[] = [];
  const forgotten: string[] = [];
  try {
    const texts = await generateAll(entries, workRoot);
    for (const [index, entry] of entries.entries()) {
      const text = texts[index] ?? "";
      if (text.includes("## Warning: ae-forgotten-export")) forgotten.push(entry.reportFile);
      const committed = join(reportsDir, entry.reportFile);
      const old = existsSync(committed) ? readFileSync(committed, "utf8") : undefined;
      if (mode === "update") {
        if (old !== text) writeFileSync(committed, text);
        console.log(
          `${old === text ? "unchanged" : "written  "} ${entry.reportFile} (${entry.subpath})`,
        );
      } else if (old === undefined) {
        missing.push(`${entry.subpath} (${entry.reportFile})`);
      } else if (old !== text) {
        differing.push(`${entry.subpath} (${entry.reportFile})`);
        console.error(
          `--- ${entry.reportFile}: committed (-) vs build (+)\n${lineDiff(old, text)}`,
        );
      }
    }
  } finally {
    rmSync(workRoot, { recursive: true, force: true });
  }
  const expected = new Set(entries.map((entry) => entry.reportFile));
  const stale = existsSync(reportsDir)
    ? readdirSync(reportsDir).filter((file) => file.endsWith(REPORT_SUFFIX) && !expected.has(file))
    : [];
  if (mode === "update") {
    for (const file of stale) {
      rmSync(join(reportsDir, file));
      console.log(`removed   ${file} (no such subpath in package.json "exports")`);
    }
  }
  if (forgotten.length > 0) {
    console.log(
      `note: ae-forgotten-export in ${forgotten.join(", ")}: a public name refers to a type no subpath exports (listed at the end of the report).`,
    );
  }
  if (mode === "update") return 0;
  const lines: string[] = [];
  if (differing.length > 0)
    lines.push(`The public API differs from the committed report for: ${differing.join(", ")}.`);
  if (missing.length > 0)
    lines.push(`No committed API report for the new subpath(s): ${missing.join(", ")}.`);
  if (stale.length > 0)
    lines.push(`Committed API report(s) for subpaths no longer exported: ${stale.join(", ")}.`);
  if (lines.length === 0) {
    console.log(`API reports match the build (${entries.length} subpaths).`);
    return 0;
  }
  console.error(
    `API report check failed.\n${lines.join("\n")}\nTo accept the change (or create a missing report), ${FIX}.`,
  );
  return 1;
}

function parseArgs(argv: string[]): { mode: "check" | "update"; reportsDir: string } {
  const [mode, ...rest] = argv;
  if (mode !== "check" && mode !== "update") {
    throw new Error("Usage: tsx scripts/api-report.ts <check|update> [--reports-dir <dir>]");
  }
  let reportsDir = join(ROOT, "api");
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--reports-dir" && rest[i + 1] !== undefined)
      reportsDir = resolve(rest[++i] ?? "");
    else throw new Error(`Unknown argument ${rest[i]}`);
  }
  return { mode, reportsDir };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { mode, reportsDir } = parseArgs(process.argv.slice(2));
  if (mode === "update" && !existsSync(reportsDir)) {
    mkdirSync(reportsDir, { recursive: true });
  }
  process.exitCode = await apiReport(mode, reportsDir);
}
