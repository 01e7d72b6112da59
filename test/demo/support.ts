/**
 * Starting the demo app as `npm start` does (a child process running
 * `examples/demo/server.ts`), for the demo's browser tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
/** The demo, started as `npm start` starts it, on a free port and a fresh SQLite file. */
export interface RunningDemo {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process ended. */
  readonly exited: Promise<number | null>;
  /** SIGKILL if still running, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `examples/demo/server.ts` with `PORT=0`, the SQLite file `databaseFile`, no
 * `GUEST_USER_SECRET` and the extra environment `env` (e.g. `DEMO_ADMIN_USERS`); resolves
 * once it listens. Needs `npm run build` (the demo imports the package by its name).
 */
export async function startDemo(
  databaseFile: string,
  env: Readonly<Record<string, string>> = {},
): Promise<RunningDemo> {
  for (const built of [
    "dist/index.js",
    "dist/templates.js",
    "dist/admin.js",
    "dist/adapters/express/index.js",
    "dist/http/oauth/index.js",
  ]) {
    if (!existsSync(join(ROOT, built))) {
      throw new Error(
        `${built} is missing: run \`npm run build\` first (the demo imports the package by its name).`,
      );
    }
  }
  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) {
    if (name.startsWith("DEMO_")) delete inherited[name];
  }
  const child = spawn(process.execPath, ["--import", "tsx", "examples/demo/server.ts"], {
    cwd: ROOT,
    env: {
      ...inherited,
      PORT: "0",
      DATABASE_URL: `sqlite:${databaseFile}`,
      GUEST_USER_SECRET: "",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const url = await new Promise<string>((found, fail) => {
    const timer = setTimeout(() => fail(new Error(`the demo did not start:\n${output}`)), 30_000);
    const look = () => {
      const match = /running at (http:\/\/localhost:\d+)\//.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        found(match[1]);
      }
    };
    child.stdout?.on("data", look);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the demo exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
