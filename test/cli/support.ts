import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expect } from "vitest";
import { run } from "../../src/cli/run.ts";
import type { GuestUsers, User } from "../../src/index.ts";
import type { DatabaseFixture } from "../support/guest-users.ts";

/** What `migrate` prints on a fresh database: every migration, 001-initial first. */
export const APPLIED_ALL: string = expect.stringMatching(
  /^Applied 001-initial\n(Applied [\w-]+\n)*$/,
);

/** What one CLI run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fake output stream that keeps what was written. */
export function captured(isTTY = false) {
  const chunks: string[] = [];
  return {
    isTTY,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    text: () => chunks.join(""),
  };
}

/**
 * Runs the CLI in-process with captured output and the given environment (nothing else from
 * the real environment leaks in: no DATABASE_URL unless given), in `cwd` (default: the
 * process's, where no `guest-user.config.*` is).
 */
export async function cli(
  argv: readonly string[],
  {
    env = {},
    ttyStderr = false,
    cwd,
  }: { env?: Record<string, string>; ttyStderr?: boolean; cwd?: string } = {},
): Promise<CliResult> {
  const stdout = captured();
  const stderr = captured(ttyStderr);
  const code = await run(argv, { stdout, stderr, env, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The repository root and the CLI entry point. */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Runs the real executable (`node --import tsx src/cli/main.ts ...`) as a child process. */
export function spawnCli(
  argv: readonly string[],
  { env = {}, cwd = REPO }: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, MAIN, ...argv], {
      cwd,
      env: { ...inherited, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Writes a config module into `dir` and returns its path: `options` as the default export
 * (JSON), or `source` verbatim.
 */
export function writeConfig(
  dir: string,
  name: string,
  content: { readonly options: object } | { readonly source: string },
): string {
  const path = join(dir, name);
  const source =
    "source" in content
      ? content.source
      : `export default ${JSON.stringify(content.options, null, 2)};\n`;
  writeFileSync(path, source);
  return path;
}

/** `base` naming another database, and optionally another user and password. */
export function urlWith(base: string, database: string, user?: string, password?: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (user !== undefined) url.username = user;
  if (password !== undefined) url.password = password;
  return url.toString();
}

const DAY = 86_400_000;

/** The users {@link seed} made. */
export interface Seeded {
  readonly expired: readonly User[];
  readonly fresh: readonly User[];
  readonly registered: User;
  /** A GuestUsers on the same tables, to look users up afterwards. */
  readonly guestUsers: GuestUsers;
}

/**
 * Fills the tables of `tablePrefix` with 3 guests created 30 days ago (expired under the
 * 14-day default), 2 created 2 hours ago, and 1 registered user created 30 days ago with a
 * session that has expired.
 */
export async function seed(fx: DatabaseFixture, tablePrefix: string): Promise<Seeded> {
  const old = await fx.open({ tablePrefix, clock: () => Date.now() - 30 * DAY });
  const recent = await fx.open({ tablePrefix, clock: () => Date.now() - 2 * 3_600_000 });
  const expired = [];
  for (let i = 0; i < 3; i++) expired.push(await old.createGuestUser());
  const fresh = [];
  for (let i = 0; i < 2; i++) fresh.push(await recent.createGuestUser());
  const password = "correct-horse-9";
  const registered = await old.createUser({
    username: "ada_lovelace",
    password1: password,
    password2: password,
  });
  await old.createSession(registered.id);
  return { expired, fresh, registered, guestUsers: recent };
}

/**
 * What `stats --json` prints for these counts: `{"guests":N,"expired":M,"kept":K,"funnel":{...}}`
 * (the funnel's own numbers are checked by the stats tests).
 */
export const statsJson = (guests: number, expired: number, kept = 0): string =>
  expect.stringMatching(
    new RegExp(
      `^\\{"guests":${guests},"expired":${expired},"kept":${kept},"funnel":\\{"days":\\[.*\\],"totals":\\{.*\\}\\}\\}\\n$`,
    ),
  );

/** What `stats` prints for these counts: the two lines, then the funnel. */
export const statsText = (guests: number, expired: number): string =>
  expect.stringMatching(new RegExp(`^Guests: ${guests}\\nExpired: ${expired}\\n\\nFunnel, `));
