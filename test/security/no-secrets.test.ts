/**
 * No secret reaches an error message or a log line: recognisable secrets (the cookie secret,
 * database and Redis passwords, an OAuth client secret and authorization code) are fed through
 * the paths that fail, in the core, over HTTP, in the OAuth callback and in the CLI, and
 * every message and every logger call is searched for them.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import express from "express";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { guestUserExpress } from "../../src/adapters/express/index.ts";
import { oauthViews, oidcProvider } from "../../src/http/oauth/index.ts";
import { createGuestUsers } from "../../src/index.ts";
import { redisLimitStore } from "../../src/limits/redis.ts";
import { cli, urlWith, writeConfig } from "../cli/support.ts";
import { client, SECRET } from "../http/oauth/support.ts";
import { listenExpress } from "../support/adapter-servers.ts";
import { availableDialects, SERVER_URLS } from "../support/databases.ts";
import { FAST_HASHING } from "../support/guest-users.ts";

const mark = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;
const COOKIE_SECRET = mark("COOKIESECRET");
const DB_PASSWORD = mark("DBPASSWORD");
const REDIS_PASSWORD = mark("REDISPASSWORD");
const CLIENT_SECRET = mark("CLIENTSECRET");
const OAUTH_CODE = mark("OAUTHCODE");
const SECRETS = [COOKIE_SECRET, DB_PASSWORD, REDIS_PASSWORD, CLIENT_SECRET, OAUTH_CODE];

/** Fails when `text` holds any of the secrets (or the random half of one). */
function expectClean(text: string, where: string) {
  expect(text.length, `${where} is empty: nothing was checked`).toBeGreaterThan(0);
  for (const secret of SECRETS) {
    expect(text, where).not.toContain(secret);
    expect(text, where).not.toContain(secret.slice(secret.indexOf("-") + 1));
  }
}

/** A logger that keeps every call, arguments inspected deeply (causes and all). */
function recordingLogger() {
  const lines: string[] = [];
  const keep = (...args: unknown[]) =>
    void lines.push(args.map((a) => inspect(a, { depth: 10 })).join(" "));
  return { logger: { warn: keep, error: keep, info: keep }, text: () => lines.join("\n") };
}

/** The error `body` rejects or throws with. */
async function caught(body: () => unknown): Promise<Error> {
  try {
    await body();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

/** Database URLs that fail, each with the password in it. */
function failingDatabases(): string[] {
  const urls = [
    `postgres://app:${DB_PASSWORD}@127.0.0.1:1/app`,
    `mysql://app:${DB_PASSWORD}@127.0.0.1:1/app`,
  ];
  const available = availableDialects();
  if (available.includes("postgres")) {
    urls.push(
      urlWith(SERVER_URLS.postgres, mark("gu_nodb").toLowerCase(), "postgres", DB_PASSWORD),
    );
    urls.push(urlWith(SERVER_URLS.postgres, "test", mark("gu_norole").toLowerCase(), DB_PASSWORD));
  }
  if (available.includes("mysql")) {
    urls.push(urlWith(SERVER_URLS.mysql, "test", mark("gu_nouser").toLowerCase(), DB_PASSWORD));
  }
  return urls;
}

describe("no secret in an error message", () => {
  it("a rejected cookie secret is described by its length only", async () => {
    const error = await caught(() => createGuestUsers({ secret: COOKIE_SECRET }));
    expect(error.message).toBe(
      `Invalid option \`secret\`: expected a random string of at least 32 characters (e.g. from \`openssl rand -base64 32\`), got a string of ${COOKIE_SECRET.length} characters`,
    );
    expectClean(error.message, "the secret's error");
  });

  it("a database URL given where the options go loses its password", async () => {
    const url = `postgres://app:${DB_PASSWORD}@db.example/app`;
    const error = await caught(() => createGuestUsers(url as never));
    expect(error.message).toContain("postgres://app:***@db.example/app");
    expectClean(error.message, "the options' error");
  });

  it("a database that fails (down, missing, refusing the login) never shows the password", async () => {
    for (const database of failingDatabases()) {
      const { logger, text } = recordingLogger();
      const gu = createGuestUsers({ database, logger, passwordHashing: FAST_HASHING });
      try {
        for (const call of [() => gu.migrate(), () => gu.createGuestUser(), () => gu.stats()]) {
          const error = await caught(call);
          expect(error, database).toMatchObject({ code: "DATABASE_UNAVAILABLE" });
          expectClean(error.message, `${database}: message`);
          expectClean(inspect(error, { depth: 10 }), `${database}: the error and its causes`);
        }
      } finally {
        await gu.close();
      }
      if (text()) expectClean(text(), `${database}: log`);
    }
  });

  it("a page served while the database is down logs without the password", async () => {
    const { logger, text } = recordingLogger();
    const gu = createGuestUsers({
      database: `postgres://app:${DB_PASSWORD}@127.0.0.1:1/app`,
      secret: SECRET,
      logger,
    });
    const guestUser = guestUserExpress(gu);
    const app = express();
    app.use(guestUser.session());
    app.get("/page/", guestUser.allowGuestUser(), (_req, res) => void res.send("ok"));
    const server = await listenExpress(app);
    try {
      const response = await fetch(`${server.url}/page/`);
      expect(response.status).toBe(503);
      expectClean(await response.text(), "the 503 page");
      expectClean(text(), "the outage log");
    } finally {
      await server.close();
      await gu.close();
    }
  });

  it("a Redis limit store that is down logs without the Redis password", async () => {
    const { logger, text } = recordingLogger();
    const redis = new Redis(`redis://:${REDIS_PASSWORD}@127.0.0.1:1`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on("error", () => {});
    const store = redisLimitStore({ client: redis, logger, timeoutMs: 2000 });
    try {
      await store.hit("k", { max: 5, windowSeconds: 60 });
    } catch {
      // Whether it refuses or falls back to memory, only the log matters here.
    }
    redis.disconnect();
    expectClean(text(), "the Redis outage log");
  });
});

describe("no secret in the OAuth callback's failure", () => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const server of servers.reverse()) await server.close();
  });

  it("a provider that repeats the code and client secret in its error: not logged, not shown", async () => {
    // A talkative OpenID Connect issuer: its token endpoint refuses, quoting what it was sent.
    const seen: string[] = [];
    const server = createServer((req, res) => {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        if (req.url === "/.well-known/openid-configuration") {
          res.end(
            JSON.stringify({
              issuer: base,
              authorization_endpoint: `${base}/authorize`,
              token_endpoint: `${base}/token`,
              jwks_uri: `${base}/jwks`,
              response_types_supported: ["code"],
              subject_types_supported: ["public"],
              id_token_signing_alg_values_supported: ["RS256"],
            }),
          );
          return;
        }
        const sent = `${req.headers.authorization ?? ""} ${decodeURIComponent(body)}`;
        seen.push(sent);
        res.statusCode = 400;
        res.end(JSON.stringify({ error: "invalid_grant", error_description: `refused: ${sent}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const { logger, text } = recordingLogger();
    const gu = createGuestUsers({ database: "sqlite::memory:", secret: SECRET, logger });
    await gu.migrate();
    servers.push({ close: () => gu.close() });
    const guestUser = guestUserExpress(gu);
    const provider = oidcProvider({ issuer, clientId: "app", clientSecret: CLIENT_SECRET });
    const app = express();
    app.use(guestUser.session());
    app.use(guestUser.router(oauthViews(guestUser.http, { providers: [provider] })));
    const running = await listenExpress(app);
    servers.push(running);

    const browser = client(running.url);
    const start = await browser.get("/accounts/oauth/oidc/start/");
    expect(start.status).toBe(302);
    const state = new URL(start.headers.get("location") ?? "").searchParams.get("state");
    const callback = await browser.get(
      `/accounts/oauth/oidc/callback/?code=${OAUTH_CODE}&state=${state}`,
    );
    expect(callback.status).toBe(400);
    // The code and the client secret did reach the provider, which quoted them back...
    expect(seen.join("\n")).toContain(OAUTH_CODE);
    expect(text()).toContain("sign-in with oidc failed");
    // ...and neither the log nor the page repeats them.
    expectClean(await callback.text(), "the callback's page");
    expectClean(text(), "the callback's log");
  });
});

describe("no secret in the CLI's output", () => {
  const dir = mkdtempSync(join(tmpdir(), "guest-user-nosec-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("never prints a database password, a cookie secret or a mistyped URL's password", async () => {
    const runs = [
      ...failingDatabases().map((url) => cli(["migrate", "--database", url])),
      cli(["stats"], { env: { DATABASE_URL: `postgres://app:${DB_PASSWORD}@127.0.0.1:1/app` } }),
      cli(["migrate", `postgres://app:${DB_PASSWORD}@127.0.0.1:1/app`]),
    ];
    writeConfig(dir, "guest-user.config.mjs", {
      options: { database: "sqlite::memory:", secret: COOKIE_SECRET },
    });
    runs.push(cli(["migrate"], { cwd: dir }));
    for (const result of await Promise.all(runs)) {
      expect(result.code).toBeGreaterThan(0);
      expectClean(result.stdout + result.stderr, result.stderr);
    }
  });
});
