/**
 * The reference app: the routes of django-guest-user's own test project, on Express, Hono or
 * Fastify, importing the library by its package name only, as any app would.
 *
 *   npm run reference-app                      # http://127.0.0.1:3000, Express, SQLite in a temp dir
 *   PORT=0 ADAPTER=hono npm run reference-app  # a free port, printed as "listening on http://..."
 *
 * The environment is described in config.ts; GUEST_USER_LIMIT_STORE=redis://... needs ioredis
 * (loaded only then, with `guest-user/redis`).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGuestUsers, GuestUserError, type GuestUsers, type LimitStore } from "guest-user";
import { type AdapterName, type AppConfig, ConfigError, readConfig } from "./config.ts";
import { createOwnedTables, ownedDataOptions } from "./owned-data.ts";
import { type ListenOptions, type RunningApp, TERMS_URL } from "./pages.ts";
import { quotasOption } from "./quota.ts";

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

/** A start-up failure to report in one line. */
class StartError extends Error {}

/** The Redis client of `GUEST_USER_LIMIT_STORE=redis://...` (closed on shutdown), or null. */
const limits: { redis: import("ioredis").Redis | null } = { redis: null };

/**
 * The store of `GUEST_USER_LIMIT_STORE`: undefined (the library's in-memory default), or
 * `redisLimitStore()` on a client that answered a PING at start (a wrong URL stops the app
 * here rather than counting in memory without a word).
 */
async function limitStoreOf(store: AppConfig["limitStore"]): Promise<LimitStore | undefined> {
  if (store.kind === "memory") return undefined;
  const [{ Redis }, { redisLimitStore }] = await Promise.all([
    import("ioredis"),
    import("guest-user/redis"),
  ]);
  const where = new URL(store.url);
  const shown = `${where.protocol}//${where.host}${where.pathname === "/" ? "" : where.pathname}`;
  const redis = new Redis(store.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  limits.redis = redis;
  let lastError = "";
  redis.on("error", (error: Error) => {
    // ioredis reconnects by itself; say so once per kind of failure, not on every retry.
    if (error.message === lastError) return;
    lastError = error.message;
    console.error(`reference-app: Redis ${shown}: ${error.message}`);
  });
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer in 5 s")), 5000)),
    ]);
  } catch (error) {
    throw new StartError(
      `GUEST_USER_LIMIT_STORE: cannot reach Redis at ${shown} (${(error as Error).message})`,
    );
  }
  return redisLimitStore({ client: redis, prefix: store.prefix });
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
    createGuests: config.createGuests,
    guestCreationLimit: config.guestCreationLimit,
    loginLimit: config.loginLimit,
    limitStore: await limitStoreOf(config.limitStore),
    expireBy: config.expireBy,
    continueLinkTtlSeconds: config.continueLinkTtlSeconds, // continue on another device (issue 20)
    terms: config.termsVersion ? { version: config.termsVersion, url: TERMS_URL } : null,
    quotas: quotasOption(config.quota), // issue 20
    ...ownedDataOptions(config), // issue 20: ownership and retention.keepIf
  });
  await guestUsers.migrate();
  if (config.ownedTables) await createOwnedTables(guestUsers);
  const start = await starters[config.adapter]();
  app = await start(guestUsers, {
    port: config.port,
    host: config.host,
    trustProxy: config.trustProxy,
    operations: config,
    quota: config.quota,
    ownedData: config,
  });
} catch (error) {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  limits.redis?.disconnect();
  if (error instanceof StartError) fail(error.message);
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
console.log(`reference-app: ${describeSettings(guestUsers, config)}`);
console.log(`listening on ${app.url}`);

/** One line of what the library was given: the settings as createGuestUsers() resolved them. */
function describeSettings(guestUsers: GuestUsers, config: AppConfig): string {
  const { settings } = guestUsers;
  const limit = (value: { max: number; windowSeconds: number } | null) =>
    value ? `${value.max}/${value.windowSeconds}` : "off";
  const store =
    config.limitStore.kind === "memory"
      ? "memory"
      : `redis (prefix ${config.limitStore.prefix ?? "guest-user:"})`;
  const trust =
    config.trustProxy === undefined
      ? "no"
      : typeof config.trustProxy === "number"
        ? `${config.trustProxy} hop(s)`
        : config.trustProxy.join(",");
  return [
    `createGuests=${settings.createGuests}`,
    `guestCreationLimit=${limit(settings.guestCreationLimit)}`,
    `loginLimit=${limit(settings.loginLimit)}`,
    `limitStore=${store}`,
    `trustProxy=${trust}`,
    `expireBy=${settings.expireBy}`,
    `maxAge=${settings.maxAge}`,
    `terms=${settings.terms?.version ?? "off"}`,
    `admin=staff${config.adminUsers ? `+${config.adminUsers.length}` : ""}`,
    `oidc=${config.oidc ? "on" : "off"}`,
    `quota=${config.quota ? `${config.quota.name}:${config.quota.guestMax}/${config.quota.registeredMax}/${config.quota.windowSeconds}` : "off"}`,
    `ownership=${settings.ownership.tables.map(({ table }) => table).join(",") || "off"}`,
  ].join(" ");
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  console.log(`reference-app: ${signal}, shutting down`);
  setTimeout(() => fail("shutdown took longer than 10 s, exiting anyway"), 10_000).unref();
  try {
    await app.close();
    await guestUsers.close();
    await limits.redis?.quit();
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
