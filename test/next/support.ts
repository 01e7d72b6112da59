/**
 * Building and starting the Next.js example (examples/next) as its README says: `next build`,
 * then `next start` (production, not dev) on a free port and a fresh SQLite file.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { installExample } from "../../scripts/packed.ts";

/** The bundlers `next build` offers: Turbopack (the default) and webpack (`--webpack`). */
export type NextBundler = "turbopack" | "webpack";

/** A child process with its output kept. */
interface Run {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

function run(dir: string, args: readonly string[], env: Readonly<Record<string, string>>): Run {
  const child = spawn(process.execPath, [join(dir, "node_modules/next/dist/bin/next"), ...args], {
    cwd: dir,
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

/**
 * Installs examples/next as a user would (a copy outside the repository, its own lock file and
 * the packed tarball: only better-sqlite3, no pg or mysql2) and runs `next build` with
 * `bundler`; throws with its output when it fails. Returns the example's folder.
 */
export async function buildExample(bundler: NextBundler): Promise<string> {
  const dir = await installExample("next");
  const build = run(dir, bundler === "webpack" ? ["build", "--webpack"] : ["build"], {});
  const code = await build.exited;
  if (code !== 0) throw new Error(`next build (${bundler}) failed (${code}):\n${build.output()}`);
  return dir;
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

/** Starts the example built in `dir` on a free port with the SQLite file `databaseFile`. */
export async function startExample(dir: string, databaseFile: string): Promise<RunningExample> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = run(dir, ["start", "-p", String(port), "-H", "127.0.0.1"], {
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
