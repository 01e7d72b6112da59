/**
 * The reference app: the routes of django-guest-user's own test project, on Express, Hono or
 * Fastify, importing the library by its package name only, as any app would.
 *
 *   npm run reference-app                      # http://127.0.0.1:3000, Express, SQLite in a temp dir
 *   PORT=0 ADAPTER=hono npm run reference-app  # a free port, printed as "listening on http://..."
 *
 * The environment is described in config.ts.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGuestUsers, GuestUserError, type GuestUsers } from "guest-user";
import { type AdapterName, type AppConfig, ConfigError, readConfig } from "./config.ts";
import type { ListenOptions, RunningApp } from "./pages.ts";

type Start = (guestUsers: GuestUsers, options: ListenOptions) => Promise<RunningApp>;

/** Loads only the chosen framework. */
const starters: Record<AdapterName, () => Promise<Start>> = {
  express: async () => (await import("./app-express.ts")).start,
  hono: async () => (await import("./app-hono.ts")).start,
  fastify: async () => (await import("./app-fastify.ts")).start,
};

function fail(message: string): never {
  console.error(`reference-app: ${message}`);
  process.exit(1);
}

let config: AppConfig;
try {
  config = readConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

let tempDir: string | null = null;
let database = config.databaseUrl;
if (database === undefined) {
  tempDir = mkdtempSync(join(tmpdir(), "guest-user-reference-app-"));
  database = `sqlite:${join(tempDir, "reference-app.sqlite3")}`;
}
let secret = config.secret;
if (secret === undefined) {
  secret = randomBytes(32).toString("base64url");
  console.log(
    "reference-app: no GUEST_USER_SECRET set, using a random one: sessions and forms do not survive a restart.",
  );
}

let guestUsers: GuestUsers;
let app: RunningApp;
try {
  guestUsers = createGuestUsers({
    database,
    secret,
    enabled: config.enabled,
    maxAge: config.maxAge,
    nameGenerator: config.nameGenerator,
  });
  await guestUsers.migrate();
  const start = await starters[config.adapter]();
  app = await start(guestUsers, { port: config.port, host: config.host });
} catch (error) {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  if (error instanceof GuestUserError) fail(`${error.code}: ${error.message}`);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE" || code === "EACCES") {
    fail(`cannot listen on ${config.host}:${config.port} (${code}); set PORT to another port`);
  }
  throw error;
}

console.log(
  `reference-app: ${config.adapter} on ${tempDir ? `${database} (temporary)` : "DATABASE_URL"}`,
);
console.log(`listening on ${app.url}`);

let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  console.log(`reference-app: ${signal}, shutting down`);
  setTimeout(() => fail("shutdown took longer than 10 s, exiting anyway"), 10_000).unref();
  try {
    await app.close();
    await guestUsers.close();
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
