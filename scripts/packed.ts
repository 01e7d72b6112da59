/**
 * What users get is the packed tarball, so the examples and the consumer checks install it, not
 * the repository: `packedTarball()` packs the built package once per build into
 * `.pack/guest-user.tgz` (git-ignored), and `installExample()` installs a copy of an example
 * whose package.json depends on `"guest-user": "file:../../.pack/guest-user.tgz"` (`npm ci`),
 * again only when the tarball or the example's lock file changed. Both are safe to call from
 * parallel test files (a directory lock), and `npm test` on a fresh machine installs what it
 * needs itself.
 *
 *   tsx scripts/packed.ts [example ...]    pack, then install the named examples (prints their folders)
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";

export const ROOT = resolve(import.meta.dirname, "..");
export const PACK_DIR = join(ROOT, ".pack");
export const TARBALL = join(PACK_DIR, "guest-user.tgz");
const run = promisify(execFile);
/**
 * Runs a command; answers its exit code, its stdout and its whole output (stdout, then stderr)
 * instead of throwing.
 */
export async function outcome(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; output: string }> {
  return run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, output: `${stdout}${stderr}` }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof error.code === "number" ? error.code : 1,
      stdout: error.stdout ?? "",
      output: `${error.stdout ?? ""}${error.stderr ?? ""}`,
    }),
  );
}

/** Runs npm in `cwd`; answers its stdout, or throws with its output when npm fails. */
export async function npm(args: readonly string[], cwd: string): Promise<string> {
  const env = { ...process.env, npm_config_audit: "false", npm_config_fund: "false" };
  const { code, stdout, output } = await outcome("npm", args, cwd, env);
  if (code !== 0) throw new Error(`npm ${args.join(" ")} failed in ${cwd}:\n${output}`);
  return stdout;
}

/** Holds a lock directory while `work` runs, so parallel test files pack or install once. */
export async function locked<T>(name: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(PACK_DIR, { recursive: true });
  const lock = join(PACK_DIR, `${name}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than any install was left by a killed run.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((wait) => setTimeout(wait, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The newest modification time of the files under `dir`. */
function newestFile(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * `.pack/guest-user.tgz`, packed from the built `dist/` (`npm test` builds first) with
 * `npm pack`, as `npm publish` would; packed again only when dist/ or package.json is newer.
 */
export async function packedTarball(): Promise<string> {
  if (!existsSync(join(ROOT, "dist", "index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
  }
  return locked("pack", async () => {
    const built = Math.max(
      newestFile(join(ROOT, "dist")),
      statSync(join(ROOT, "package.json")).mtimeMs,
    );
    if (existsSync(TARBALL) && statSync(TARBALL).mtimeMs >= built) return TARBALL;
    // --ignore-scripts: dist/ is built already (prepack would build it again).
    const output = await npm(
      ["pack", "--ignore-scripts", "--json", "--pack-destination", PACK_DIR],
      ROOT,
    );
    const [{ filename }] = JSON.parse(output) as [{ filename: string }];
    renameSync(join(PACK_DIR, filename), TARBALL);
    return TARBALL;
  });
}

/** A digest of the files that decide an install. */
function digest(files: readonly string[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest("hex");
}

/**
 * Where examples are installed: OUTSIDE the repository (one folder per checkout), so that
 * neither Node nor a bundler can find a package in the repository's own node_modules that the
 * example did not install (Turbopack takes the folder of the outermost lock file as its root).
 */
export const EXAMPLES_HOME = join(
  tmpdir(),
  `guest-user-examples-${createHash("sha256").update(ROOT).digest("hex").slice(0, 8)}`,
);

/** Leaves out what an install or a build makes, and the tests' own scratch folders. */
const SOURCE_ONLY = (path: string) =>
  !/(^|[/\\])(node_modules|\.next|\.nuxt|\.output|\.svelte-kit|build|\.readme-snippets)([/\\]|$)/.test(
    path,
  );

/**
 * Copies `examples/<name>` to {@link EXAMPLES_HOME} beside a copy of the tarball (so its
 * `file:../../.pack/guest-user.tgz` resolves) and installs it from its lock file (`npm ci`),
 * again only when the lock file changed (a new tarball alone is unpacked over the installed
 * one, as npm would). Returns the copy's folder.
 */
export async function installExample(name: string): Promise<string> {
  const tarball = await packedTarball();
  const source = join(ROOT, "examples", name);
  const lockFile = join(source, "package-lock.json");
  // A tarball's integrity in the lock makes npm ci install the cached OLD tarball.
  if (
    /"resolved": "file:[^"]*guest-user\.tgz",\s*"integrity"/.test(readFileSync(lockFile, "utf8"))
  ) {
    throw new Error(
      `${lockFile} pins the integrity of guest-user.tgz, so npm ci would install a stale copy: delete that "integrity" line`,
    );
  }
  return locked(`install-${name}`, async () => {
    const dir = join(EXAMPLES_HOME, "examples", name);
    mkdirSync(join(EXAMPLES_HOME, ".pack"), { recursive: true });
    cpSync(tarball, join(EXAMPLES_HOME, ".pack", "guest-user.tgz"));
    cpSync(source, dir, { recursive: true, filter: (path) => SOURCE_ONLY(relative(source, path)) });
    // npm ci when the lock file changed; a new tarball alone replaces node_modules/guest-user.
    const stamps = join(dir, "node_modules", ".guest-user-install");
    const wanted = { lock: digest([lockFile]), tarball: digest([tarball]) };
    const installed = existsSync(stamps) ? readFileSync(stamps, "utf8") : "";
    if (!installed.startsWith(`${wanted.lock} `)) {
      await npm(["ci", "--no-audit", "--no-fund"], dir);
    } else if (installed !== `${wanted.lock} ${wanted.tarball}`) {
      const target = join(dir, "node_modules", "guest-user");
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target);
      await run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
    }
    writeFileSync(stamps, `${wanted.lock} ${wanted.tarball}`);
    assertDependenciesInstalled(dir, name);
    return dir;
  });
}

/**
 * Throws when a dependency of the installed package is missing from the example's node_modules:
 * the example's lock file predates it (npm ci installs what the lock names, not what the
 * tarball's package.json asks for), as a user upgrading would not see.
 */
function assertDependenciesInstalled(dir: string, name: string): void {
  const manifest = JSON.parse(
    readFileSync(join(dir, "node_modules", "guest-user", "package.json"), "utf8"),
  ) as { dependencies?: Record<string, string> };
  const missing = Object.keys(manifest.dependencies ?? {}).filter(
    (dependency) => !existsSync(join(dir, "node_modules", dependency, "package.json")),
  );
  if (missing.length > 0) {
    throw new Error(
      `examples/${name}/package-lock.json lacks ${missing.join(", ")}, a dependency of guest-user: in ${dir}, run \`npm install "guest-user@file:../../.pack/guest-user.tgz"\`, copy its package-lock.json to examples/${name}/ and delete the "integrity" line of the guest-user.tgz entry`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await packedTarball());
  for (const name of process.argv.slice(2)) console.log(await installExample(name));
}
