/**
 * Building and starting an example app (examples/<name>) as its README says: installed from the
 * packed tarball outside the repository (`installExample`), built by its framework's own
 * command, then started in production mode on a free port with a fresh SQLite file. Used by the
 * Next.js, SvelteKit and Nuxt browser tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "./free-port.ts";

export { freePort } from "./free-port.ts";

/** A child process with its output kept. */
export interface Run {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

/**
 * Runs `node <dir>/<script> ...args` in `dir` (a framework's CLI from the example's own
 * node_modules, or its built server), output kept. An `env` value of `undefined` removes that
 * variable.
 */
export function runNode(
  dir: string,
  script: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Run {
  const child = spawn(process.execPath, [join(dir, script), ...args], {
    cwd: dir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NUXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Runs a build command to its end; throws with its output when it fails. */
export async function build(dir: string, script: string, args: readonly string[], what: string) {
  const run = runNode(dir, script, args);
  const code = await run.exited;
  if (code !== 0) throw new Error(`${what} failed (${code}):\n${run.output()}`);
}

/** A started example. */
export interface RunningExample {
  readonly url: string;
  output(): string;
  /** SIGKILL if still running, then waits for the exit. */
  stop(): Promise<void>;
}

/** How to start a built example. */
export interface StartOptions {
  /** The example's folder. */
  readonly dir: string;
  /** The script `node` runs, relative to `dir` (e.g. `node_modules/next/dist/bin/next`). */
  readonly script: string;
  /** Its arguments, given the port. */
  readonly args: (port: number) => readonly string[];
  /** Extra environment, given the port (`undefined` removes a variable, e.g. the secret). */
  readonly env?: (port: number) => Readonly<Record<string, string | undefined>>;
  /**
   * The SQLite file the app uses (`GUEST_USER_DATABASE=sqlite:<file>`); absent: the app's own
   * (the docs' quick starts use the default, `./guest-user.sqlite3`).
   */
  readonly databaseFile?: string;
  /** The port, when the caller chose it (e.g. written into the app). @default a free port */
  readonly port?: number;
  /** A path that answers 2xx once the app is up. @default "/accounts/login/" */
  readonly readyPath?: string;
  /** What the error messages call it, e.g. `next start`. */
  readonly name: string;
}

/** The secret every example test runs with. */
export const EXAMPLE_SECRET = "example-app-test-secret-0123456789-abcdefghij";

/** Starts a built example on a free port and waits until `readyPath` answers (60 s at most). */
export async function startExample(options: StartOptions): Promise<RunningExample> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const server = runNode(options.dir, options.script, options.args(port), {
    ...(options.databaseFile && { GUEST_USER_DATABASE: `sqlite:${options.databaseFile}` }),
    GUEST_USER_SECRET: EXAMPLE_SECRET,
    ...options.env?.(port),
  });
  const stop = async () => {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
    await server.exited;
  };
  const deadline = Date.now() + 60_000;
  let exitCode: number | null | undefined;
  void server.exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`${options.name} exited (${exitCode}) before listening:\n${server.output()}`);
    }
    try {
      const response = await fetch(`${url}${options.readyPath ?? "/accounts/login/"}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not answer within 60 s:\n${server.output()}`);
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  return { url, output: server.output, stop };
}
