import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type { ServerConfig } from "./apps.ts";

/** A server child process. */
export interface Launched {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

const SERVER_ENTRY = fileURLToPath(new URL("./server.ts", import.meta.url));

function tsxLoader(): string {
  try {
    return import.meta.resolve("tsx");
  } catch {
    return "tsx";
  }
}

/**
 * Starts a server in a child process, so the load generator does not share its event loop;
 * `profileDir` gets its `--cpu-prof` profiles (written when the child exits on stop()): one
 * per thread, the largest is the main thread's (the other is tsx's module-loader thread).
 */
export function launch(config: ServerConfig, profileDir: string | null = null): Promise<Launched> {
  const execArgv = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  return forkServer(SERVER_ENTRY, execArgv, {
    ...(config.kind === "guest-user" && config.src ? { BENCH_GUEST_USER_SRC: config.src } : {}),
    BENCH_SERVER: JSON.stringify(config),
  });
}

/**
 * Forks the server module `entry` under tsx with `env` added (NODE_ENV=production), and
 * resolves once it reports `{ type: "ready", port }` over IPC; rejects on its
 * `{ type: "error" }` or an early exit. `stop()` asks it to close, then kills it after 10 s.
 */
export function forkServer(
  entry: string,
  execArgv: readonly string[],
  env: Record<string, string>,
): Promise<Launched> {
  const child: ChildProcess = fork(entry, [], {
    execArgv: ["--import", tsxLoader(), ...execArgv],
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited early (code ${code})`)));
    child.on("message", (message: { type: string; port?: number; message?: string }) => {
      if (message.type === "error") reject(new Error(`server failed: ${message.message}`));
      if (message.type !== "ready") return;
      resolve({
        port: message.port as number,
        pid: child.pid as number,
        async stop() {
          if (child.exitCode === null) child.send("stop");
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}

/** One request shape hammered by autocannon. */
export interface RequestSpec {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** One autocannon run. */
export interface RunResult {
  /** Completed requests per second over the run. */
  readonly rps: number;
  /** Completed requests. */
  readonly requests: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors plus timeouts. */
  readonly errors: number;
}

export interface LoadSettings {
  readonly connections: number;
  readonly duration: number;
}

/** Runs autocannon once (pipelining 1) against `port`. */
export async function cannon(
  port: number,
  spec: RequestSpec,
  seconds: number,
  connections: number,
): Promise<RunResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${spec.path}`,
    method: spec.method,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
  });
  return {
    rps: result.requests.total / Math.max(result.duration, 0.001),
    requests: result.requests.total,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** The median of the measured runs (runs sorted by rate; the middle one, or the mean of two). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A single request with fetch, for the functional checks before and between runs. */
export async function probe(port: number, spec: RequestSpec) {
  const response = await fetch(`http://127.0.0.1:${port}${spec.path}`, {
    method: spec.method,
    headers: spec.headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  const cookies = response.headers.getSetCookie().map((line) => line.split(";")[0] as string);
  return { status: response.status, json, text, cookie: cookies.join("; ") };
}
