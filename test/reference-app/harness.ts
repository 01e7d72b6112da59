/**
 * Runs the reference app (examples/reference-app/server.ts) as a real child process and
 * talks to it over real HTTP, like a browser: a cookie jar, no redirect following, HTML forms
 * with their CSRF tokens.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { BROWSER_USER_AGENT } from "../support/browser-fetch.ts";
import { cookieHeader, storeSetCookies } from "../support/cookies.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SERVER = join(ROOT, "examples", "reference-app", "server.ts");
export const COOKIE = "guest_user_session";
export const PASSWORD = "correct-horse-battery-9";
export const SECRET = "reference-app-test-secret-0123456789abcdef";
export const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/** Fails with the fix when the package was not built (the app imports it from dist/). */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, "dist", "index.js"))) {
    throw new Error(
      "dist/index.js is missing: the reference app imports `guest-user` by its package name, which resolves to dist/. Run `npm run build` first (`npm test` does).",
    );
  }
}

/** Variables of ours that must not leak from the outer environment into the app. */
const APP_VARIABLES = /^(PORT|HOST|ADAPTER|DATABASE_URL|GUEST_USER_\w+)$/;

/** A running (or finished) app process and everything it printed. */
export class AppProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
  }

  /** What it printed, for failure messages. */
  get output(): string {
    return `--- stdout ---\n${this.stdout}--- stderr ---\n${this.stderr}`;
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `ms`). */
  async stop(signal: NodeJS.Signals = "SIGTERM", ms = 15_000) {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), ms);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Spawns the app with `env` on top of a clean environment; it does not wait for it. */
export function spawnApp(env: Record<string, string>): AppProcess {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !APP_VARIABLES.test(name)),
  );
  const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new AppProcess(child);
}

/** A started app: its base URL and process. */
export interface RunningApp {
  readonly url: string;
  readonly process: AppProcess;
}

/**
 * Starts the app on a free port (`PORT=0`) and waits for its `listening on http://...` line.
 * Fails with everything it printed if it exits or stays silent.
 */
export async function startApp(env: Record<string, string>, ms = 30_000): Promise<RunningApp> {
  const app = spawnApp({ PORT: "0", GUEST_USER_SECRET: SECRET, ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      app.child.kill("SIGKILL");
      reject(new Error(`the reference app did not start within ${ms} ms\n${app.output}`));
    }, ms);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(app.stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    app.child.stdout?.on("data", check);
    app.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`the reference app exited (${code ?? signal}) before listening\n${app.output}`),
      );
    });
  });
  return { url, process: app };
}

/** The `{ user }` JSON of the app's pages. */
export type UserJson = {
  user: { id: number | string; username: string; isGuest: boolean } | null;
};

/** A browser-like client: a cookie jar, no redirect following. */
export class Client {
  readonly cookies = new Map<string, string>();
  /** Headers sent with every request unless the request sets its own (e.g. X-Forwarded-For). */
  extraHeaders: Record<string, string> = {};

  constructor(
    readonly base: string,
    // A browser's: bot detection (isbot, on by default) refuses guests to made-up agents.
    readonly userAgent = BROWSER_USER_AGENT,
  ) {}

  /** A second client with the same cookies (e.g. to keep an old session around). */
  clone(): Client {
    const copy = new Client(this.base, this.userAgent);
    copy.extraHeaders = { ...this.extraHeaders };
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }

  get session(): string | undefined {
    return this.cookies.get(COOKIE);
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has("user-agent")) headers.set("user-agent", this.userAgent);
    for (const [name, value] of Object.entries(this.extraHeaders))
      if (!headers.has(name)) headers.set(name, value);
    if (this.cookies.size > 0) {
      headers.set("cookie", cookieHeader(this.cookies));
    }
    const response = await fetch(new URL(path, this.base), {
      ...init,
      headers,
      redirect: "manual",
    });
    storeSetCookies(this.cookies, response);
    return response;
  }

  /** GET with `Accept: application/json`, expecting 200. */
  async json(path: string): Promise<UserJson> {
    const response = await this.fetch(path, { headers: { accept: "application/json" } });
    expect(response.status, `GET ${path}`).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    return (await response.json()) as UserJson;
  }

  /** Who the app thinks we are, from a page that never creates a guest. */
  async whoami(): Promise<UserJson["user"]> {
    return (await this.json("/")).user;
  }

  /** GET of an HTML page, expecting 200: its text. */
  async html(path: string): Promise<string> {
    const response = await this.fetch(path, { headers: { accept: "text/html" } });
    expect(response.status, `GET ${path}`).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    return response.text();
  }

  /** POSTs an HTML form (URL-encoded). */
  post(path: string, fields: Record<string, string>): Promise<Response> {
    return this.fetch(path, {
      method: "POST",
      headers: { accept: "text/html", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** GETs the form at `path`, then posts `fields` with the form's csrf_token (and `next`, if any). */
  async submit(path: string, fields: Record<string, string>): Promise<Response> {
    const form = parseForm(await this.html(path));
    return this.post(path, { ...form.hidden, ...fields });
  }
}

/** A form's hidden inputs and the names of all its inputs. */
export function parseForm(html: string) {
  const hidden: Record<string, string> = {};
  const names: string[] = [];
  for (const match of html.matchAll(/<input\b([^>]*)>/g)) {
    const attributes = match[1] ?? "";
    const name = /\bname="([^"]*)"/.exec(attributes)?.[1];
    if (!name) continue;
    names.push(name);
    if (/\btype="hidden"/.test(attributes)) {
      hidden[name] = decodeEntities(/\bvalue="([^"]*)"/.exec(attributes)?.[1] ?? "");
    }
  }
  return { hidden, names };
}

/** The `csrf_token` hidden input of a page, asserting it is there. */
export function csrfTokenOf(html: string): string {
  const match = /<input type="hidden" name="csrf_token" value="([^"]+)">/.exec(html);
  expect(match, "the page has a hidden csrf_token input").not.toBeNull();
  return decodeEntities(match?.[1] ?? "");
}

function decodeEntities(text: string): string {
  return text
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** The session cookie's Set-Cookie line of a response, if any. */
export function sessionSetCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${COOKIE}=`));
}

let counter = 0;

/** A username no other test uses. */
export function uniqueName(prefix = "user"): string {
  counter += 1;
  return `${prefix}${process.pid}x${counter}x${Math.floor(Math.random() * 1e6)}`;
}

/** Signs a new user up through the HTML sign-up form; returns the logged-in client. */
export async function registeredClient(base: string, username = uniqueName()) {
  const client = new Client(base);
  const response = await client.submit("/accounts/signup/", {
    username,
    password1: PASSWORD,
    password2: PASSWORD,
  });
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe("/accounts/profile/");
  const user = await client.whoami();
  expect(user).toMatchObject({ username, isGuest: false });
  return { client, username, user: user as NonNullable<UserJson["user"]> };
}

/** A client that became a guest by opening `/allow_guest_user/`. */
export async function guestClient(base: string) {
  const client = new Client(base);
  const { user } = await client.json("/allow_guest_user/");
  expect(user?.isGuest).toBe(true);
  return { client, user: user as NonNullable<UserJson["user"]> };
}
