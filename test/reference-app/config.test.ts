/**
 * The reference app's environment handling: defaults, clear messages for bad values (also
 * from the real process), the generated secret and temporary SQLite database, and a
 * graceful shutdown on SIGINT.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { dirname } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ADAPTERS, ConfigError, readConfig } from "../../examples/reference-app/config.ts";
import { closedPort } from "../limits/redis-support.ts";
import { assertBuilt, Client, spawnApp, startApp } from "./harness.ts";

describe("readConfig", () => {
  it("has defaults for everything", () => {
    expect(readConfig({})).toEqual({
      port: 3000,
      host: "127.0.0.1",
      adapter: "express",
      databaseUrl: undefined,
      enabled: undefined,
      maxAge: undefined,
      nameGenerator: undefined,
      secret: undefined,
      createGuests: undefined,
      guestCreationLimit: undefined,
      loginLimit: undefined,
      limitStore: { kind: "memory" },
      trustProxy: undefined,
      expireBy: undefined,
      adminUsers: undefined,
      oidc: undefined,
      termsVersion: undefined,
      ownedTables: false,
      keepIf: undefined,
    });
  });

  it("reads the admin, OpenID Connect and terms variables", () => {
    const config = readConfig({
      GUEST_USER_ADMIN_USERS: " ada, grace ,,",
      GUEST_USER_OIDC_ISSUER: "http://127.0.0.1:9000/",
      GUEST_USER_OIDC_CLIENT_ID: "app",
      GUEST_USER_OIDC_CLIENT_SECRET: "s3cret",
      GUEST_USER_TERMS_VERSION: "2026-11",
    });
    expect(config.adminUsers).toEqual(["ada", "grace"]);
    expect(config.oidc).toEqual({
      issuer: "http://127.0.0.1:9000/",
      clientId: "app",
      clientSecret: "s3cret",
    });
    expect(config.termsVersion).toBe("2026-11");
  });

  it("names every bad admin, OpenID Connect and terms value, never echoing the client secret", () => {
    const problems = (env: Record<string, string>) => {
      try {
        readConfig(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems({ GUEST_USER_ADMIN_USERS: " , " })).toEqual([
      'GUEST_USER_ADMIN_USERS: expected comma-separated usernames; got ","',
    ]);
    const partial = problems({ GUEST_USER_OIDC_CLIENT_SECRET: "hunter2-secret" });
    expect(partial).toEqual([
      "GUEST_USER_OIDC_ISSUER, GUEST_USER_OIDC_CLIENT_ID: required with the other GUEST_USER_OIDC_* variables",
    ]);
    expect(partial.join("")).not.toContain("hunter2");
    expect(
      problems({
        GUEST_USER_OIDC_ISSUER: "accounts.example.com",
        GUEST_USER_OIDC_CLIENT_ID: "app",
        GUEST_USER_OIDC_CLIENT_SECRET: "hunter2-secret",
      }),
    ).toEqual([
      'GUEST_USER_OIDC_ISSUER: expected an http(s) URL such as https://accounts.example.com; got "accounts.example.com"',
    ]);
    expect(problems({ GUEST_USER_TERMS_VERSION: "v 2" })).toEqual([
      'GUEST_USER_TERMS_VERSION: expected up to 64 letters, digits or ".:-_" (e.g. 2026-11); got "v 2"',
    ]);
  });

  it("reads every variable; empty ones count as unset", () => {
    expect(
      readConfig({
        PORT: "0",
        HOST: "::1",
        ADAPTER: "fastify",
        DATABASE_URL: "postgres://localhost/app",
        GUEST_USER_ENABLED: "False",
        GUEST_USER_MAX_AGE: "3600",
        GUEST_USER_NAME_GENERATOR: "friendly",
        GUEST_USER_SECRET: "s".repeat(32),
        GUEST_USER_CREATE_ON: "write",
        GUEST_USER_CREATION_LIMIT: "60/3600",
        GUEST_USER_LOGIN_LIMIT: "5 / 600",
        GUEST_USER_LIMIT_STORE: "redis://cache.internal:6380/2",
        GUEST_USER_LIMIT_PREFIX: "shop:limits:",
        GUEST_USER_TRUST_PROXY: "loopback, 10.0.0.0/8, 2001:db8::1",
        GUEST_USER_EXPIRE_BY: "lastSeenAt",
        GUEST_USER_OWNED_TABLES: "notes",
        GUEST_USER_KEEP_IF: "ownsData",
      }),
    ).toEqual({
      port: 0,
      host: "::1",
      adapter: "fastify",
      databaseUrl: "postgres://localhost/app",
      enabled: false,
      maxAge: 3600,
      nameGenerator: "friendly",
      secret: "s".repeat(32),
      createGuests: "onWrite",
      guestCreationLimit: { max: 60, windowSeconds: 3600 },
      loginLimit: { max: 5, windowSeconds: 600 },
      limitStore: { kind: "redis", url: "redis://cache.internal:6380/2", prefix: "shop:limits:" },
      trustProxy: ["loopback", "10.0.0.0/8", "2001:db8::1"],
      expireBy: "lastSeenAt",
      adminUsers: undefined,
      oidc: undefined,
      termsVersion: undefined,
      ownedTables: true,
      keepIf: "ownsData",
    });
    expect(readConfig({ PORT: "", ADAPTER: " ", GUEST_USER_SECRET: "" }).port).toBe(3000);
  });

  it("checks the owned-data variables (issue 20)", () => {
    expect(() => readConfig({ GUEST_USER_OWNED_TABLES: "todos" })).toThrow(
      'GUEST_USER_OWNED_TABLES: expected notes; got "todos"',
    );
    expect(() => readConfig({ GUEST_USER_KEEP_IF: "ownsData" })).toThrow(
      "GUEST_USER_KEEP_IF: ownsData needs GUEST_USER_OWNED_TABLES=notes",
    );
    expect(() => readConfig({ GUEST_USER_OWNED_TABLES: "notes", GUEST_USER_KEEP_IF: "x" })).toThrow(
      'GUEST_USER_KEEP_IF: expected ownsData; got "x"',
    );
  });

  it("maps the values of the new variables to the library's settings", () => {
    expect(readConfig({ GUEST_USER_CREATE_ON: "visit" }).createGuests).toBe("onVisit");
    expect(readConfig({ GUEST_USER_CREATE_ON: "write" }).createGuests).toBe("onWrite");
    expect(readConfig({ GUEST_USER_EXPIRE_BY: "createdAt" }).expireBy).toBe("createdAt");
    expect(readConfig({ GUEST_USER_EXPIRE_BY: "lastSeenAt" }).expireBy).toBe("lastSeenAt");
    expect(readConfig({ GUEST_USER_LOGIN_LIMIT: "off" }).loginLimit).toBeNull();
    expect(readConfig({ GUEST_USER_CONTINUE_TTL: "30" }).continueLinkTtlSeconds).toBe(30);
    expect(() => readConfig({ GUEST_USER_CONTINUE_TTL: "0" })).toThrow(
      "GUEST_USER_CONTINUE_TTL: expected a whole number from 1 to 31536000",
    );
    expect(readConfig({ GUEST_USER_LIMIT_STORE: "memory" }).limitStore).toEqual({ kind: "memory" });
    expect(readConfig({ GUEST_USER_LIMIT_STORE: "rediss://h" }).limitStore).toEqual({
      kind: "redis",
      url: "rediss://h",
      prefix: undefined,
    });
    expect(readConfig({ GUEST_USER_TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(readConfig({ GUEST_USER_TRUST_PROXY: "uniquelocal" }).trustProxy).toEqual([
      "uniquelocal",
    ]);
  });

  it("names every bad value of the new variables", () => {
    let error: unknown;
    try {
      readConfig({
        GUEST_USER_CREATE_ON: "read",
        GUEST_USER_EXPIRE_BY: "updatedAt",
        GUEST_USER_CREATION_LIMIT: "0/60",
        GUEST_USER_LOGIN_LIMIT: "ten",
        GUEST_USER_LIMIT_STORE: "mongodb://db",
        GUEST_USER_TRUST_PROXY: "loopback, 300.1.1.1, 10.0.0.0/33",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'GUEST_USER_CREATE_ON: expected visit, write; got "read"',
      'GUEST_USER_EXPIRE_BY: expected createdAt, lastSeenAt; got "updatedAt"',
      'GUEST_USER_CREATION_LIMIT: expected <max>/<seconds> with whole numbers of at least 1 (e.g. 10/900); got "0/60"',
      'GUEST_USER_LOGIN_LIMIT: expected <max>/<seconds> with whole numbers of at least 1 (e.g. 10/900) or off; got "ten"',
      'GUEST_USER_LIMIT_STORE: expected memory or a redis:// (rediss://) URL; got "mongodb://db"',
      'GUEST_USER_TRUST_PROXY: expected a hop count, or comma-separated addresses, CIDR ranges or loopback, linklocal, uniquelocal; "300.1.1.1", "10.0.0.0/33" are none of these',
    ]);
    expect(() => readConfig({ GUEST_USER_CREATION_LIMIT: "5" })).toThrow(
      /GUEST_USER_CREATION_LIMIT/,
    );
    // A mistyped store URL is repeated without its password.
    expect(() =>
      readConfig({ GUEST_USER_LIMIT_STORE: "rediss//:hunter2-pw@cache:6379" }),
    ).not.toThrow(/hunter2/);
    expect(() =>
      readConfig({ GUEST_USER_LIMIT_STORE: "memcache://app:hunter2-pw@cache:11211" }),
    ).toThrow('got "memcache://***@cache:11211"');
    expect(() => readConfig({ GUEST_USER_CREATION_LIMIT: "off" })).toThrow(
      /GUEST_USER_CREATION_LIMIT/,
    );
    expect(() => readConfig({ GUEST_USER_TRUST_PROXY: "0" })).toThrow(/hop count from 1 to 100/);
    expect(() => readConfig({ GUEST_USER_LIMIT_PREFIX: "x:" })).toThrow(
      /GUEST_USER_LIMIT_PREFIX: only used with a Redis store/,
    );
  });

  it("lists every bad value, naming the variable and what it expects", () => {
    let error: unknown;
    try {
      readConfig({
        PORT: "80a",
        ADAPTER: "koa",
        GUEST_USER_ENABLED: "maybe",
        GUEST_USER_MAX_AGE: "-5",
        GUEST_USER_NAME_GENERATOR: "random",
        GUEST_USER_SECRET: "short",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT: expected a whole number from 0 to 65535; got "80a"',
      'ADAPTER: expected express, hono, fastify; got "koa"',
      'GUEST_USER_NAME_GENERATOR: expected uuid, numbered, friendly; got "random"',
      'GUEST_USER_MAX_AGE: expected a whole number from 1 to 3153600000; got "-5"',
      'GUEST_USER_ENABLED: expected true or false; got "maybe"',
      "GUEST_USER_SECRET: expected at least 32 characters (e.g. `openssl rand -base64 32`); got 5",
    ]);
    expect(() => readConfig({ PORT: "65536" })).toThrow(/PORT/);
    expect(() => readConfig({ GUEST_USER_MAX_AGE: "0" })).toThrow(/GUEST_USER_MAX_AGE/);
  });
});

describe("the reference app process", () => {
  beforeAll(() => assertBuilt());

  it("exits 1 with a clear message on bad environment values", async () => {
    const app = spawnApp({ ADAPTER: "koa", GUEST_USER_MAX_AGE: "soon" });
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.stderr).toContain("reference-app: Invalid environment:");
    expect(app.stderr).toContain('ADAPTER: expected express, hono, fastify; got "koa"');
    expect(app.stderr).toContain("GUEST_USER_MAX_AGE");
    expect(app.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("exits 1 with one clear line per bad value of the new variables", async () => {
    const app = spawnApp({
      GUEST_USER_CREATE_ON: "sometimes",
      GUEST_USER_CREATION_LIMIT: "many",
      GUEST_USER_LOGIN_LIMIT: "10/0",
      GUEST_USER_LIMIT_STORE: "memcached://x",
      GUEST_USER_TRUST_PROXY: "everyone",
      GUEST_USER_EXPIRE_BY: "never",
    });
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.stderr).toContain("reference-app: Invalid environment:");
    for (const line of [
      '  - GUEST_USER_CREATE_ON: expected visit, write; got "sometimes"',
      '  - GUEST_USER_CREATION_LIMIT: expected <max>/<seconds> with whole numbers of at least 1 (e.g. 10/900); got "many"',
      '  - GUEST_USER_LOGIN_LIMIT: expected <max>/<seconds> with whole numbers of at least 1 (e.g. 10/900) or off; got "10/0"',
      '  - GUEST_USER_LIMIT_STORE: expected memory or a redis:// (rediss://) URL; got "memcached://x"',
      '  - GUEST_USER_TRUST_PROXY: expected a hop count, or comma-separated addresses, CIDR ranges or loopback, linklocal, uniquelocal; "everyone" is none of these',
      '  - GUEST_USER_EXPIRE_BY: expected createdAt, lastSeenAt; got "never"',
    ]) {
      expect(app.stderr).toContain(`${line}\n`);
    }
    expect(app.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 with a clear line when the Redis of GUEST_USER_LIMIT_STORE does not answer", async () => {
    const port = await closedPort();
    const app = spawnApp({
      GUEST_USER_LIMIT_STORE: `redis://127.0.0.1:${port}`,
      GUEST_USER_LIMIT_PREFIX: "reference-app:",
      GUEST_USER_SECRET: "x".repeat(40),
    });
    expect(await app.exited, app.output).toEqual({ code: 1, signal: null });
    expect(app.stderr).toContain(
      `reference-app: GUEST_USER_LIMIT_STORE: cannot reach Redis at redis://127.0.0.1:${port} (`,
    );
    expect(app.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 with the library's message on a bad DATABASE_URL", async () => {
    const app = spawnApp({
      DATABASE_URL: "redis://localhost/0",
      GUEST_USER_SECRET: "x".repeat(40),
    });
    expect(await app.exited).toEqual({ code: 1, signal: null });
    expect(app.stderr).toContain("reference-app: INVALID_CONFIG");
    expect(app.stderr).toContain("sqlite:");
    expect(app.stderr).not.toMatch(/\n\s+at /);
  });

  for (const adapter of ADAPTERS) {
    it(`exits 1 with a clear message when the port is taken (ADAPTER=${adapter})`, async () => {
      const blocker: Server = createServer();
      const port = await new Promise<number>((resolve) => {
        blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as { port: number }).port));
      });
      try {
        const app = spawnApp({
          ADAPTER: adapter,
          PORT: String(port),
          GUEST_USER_SECRET: "x".repeat(40),
        });
        expect(await app.exited, app.output).toEqual({ code: 1, signal: null });
        expect(app.stderr).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  }

  it("without GUEST_USER_SECRET and DATABASE_URL: a random secret (said so), a temp SQLite file removed on SIGINT", async () => {
    const { url, process: app } = await startApp({ GUEST_USER_SECRET: "" });
    try {
      expect(app.stdout).toContain("no GUEST_USER_SECRET set, using a random one");
      const file = /express on sqlite:(\S+) \(temporary\)/.exec(app.stdout)?.[1];
      expect(file, app.output).toBeDefined();
      expect(existsSync(file as string)).toBe(true);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const client = new Client(url);
      expect((await client.json("/allow_guest_user/")).user?.isGuest).toBe(true);

      expect(await app.stop("SIGINT")).toEqual({ code: 0, signal: null });
      expect(app.stdout).toContain("SIGINT, shutting down");
      expect(existsSync(dirname(file as string))).toBe(false);
    } finally {
      await app.stop("SIGKILL");
    }
  });
});
