/**
 * Building and starting the Next.js example (examples/next) as its README says: `next build`,
 * then `next start` (production, not dev) on a free port and a fresh SQLite file.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const EXAMPLE = join(ROOT, "examples/next");
const NEXT_BIN = join(EXAMPLE, "node_modules/next/dist/bin/next");

/** True when the example's own dependencies are installed (`.ci/run` does it). */
export const hasNextExample = existsSync(NEXT_BIN);
/** Skipped without the example's install outside CI; in CI a missing install fails the suite. */
export const skipNextTests = !hasNextExample && !process.env.CI;

/** Says on the console that the Next.js test is skipped (call when `skipNextTests`). */
export function warnNextTestSkipped(): void {
  console.warn(
    "Next.js example test skipped: examples/next is not installed. Install it with: (cd examples/next && npm ci)",
  );
}

/** A child process with its output kept. */
interface Run {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

function run(args: readonly string[], env: Readonly<Record<string, string>>): Run {
  const child = spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: EXAMPLE,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
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

/** Runs `next build` in examples/next; throws with its output when it fails. */
export async function buildExample(): Promise<void> {
  if (!hasNextExample) {
    throw new Error(
      "examples/next is not installed, and CI needs its test: run `npm run build && (cd examples/next && npm ci)`",
    );
  }
  if (!existsSync(join(ROOT, "dist/adapters/next/index.js"))) {
    throw new Error("dist/adapters/next/index.js is missing: run `npm run build` first.");
  }
  const build = run(["build"], {});
  const code = await build.exited;
  if (code !== 0) throw new Error(`next build failed (${code}):\n${build.output()}`);
}

/** A free TCP port on localhost. */
function freePort(): Promise<number> {
  return new Promise((found, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? found(address.port) : fail(new Error("no port")),
      );
    });
  });
}

/** The example, started with `next start`. */
export interface RunningExample {
  readonly url: string;
  output(): string;
  /** SIGKILL if still running, then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts the built example on a free port with the SQLite file `databaseFile`. */
export async function startExample(databaseFile: string): Promise<RunningExample> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = run(["start", "-p", String(port), "-H", "127.0.0.1"], {
    GUEST_USER_DATABASE: `sqlite:${databaseFile}`,
    GUEST_USER_SECRET: "next-example-test-secret-0123456789-abcdefghij",
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
      throw new Error(`next start exited (${exitCode}) before listening:\n${server.output()}`);
    }
    try {
      const response = await fetch(`${url}/accounts/login/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer within 60 s:\n${server.output()}`);
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  return { url, output: server.output, stop };
}
