/**
 * Defaults that need no guessing: `secret` from GUEST_USER_SECRET and `database` from
 * DATABASE_URL when not given; outside production a missing secret is generated once, kept in a
 * self-ignoring `.guest-user/` folder beside the SQLite file and announced once; in production
 * the web layer refuses to start, before the database is touched.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { webSecret } from "../../src/http/guest-user-http.ts";
import { createGuestUserHttp, createGuestUsers, type GuestUsers } from "../../src/index.ts";

const SECRET = "environment-test-secret-0123456789-abcdefghij";
const VARIABLES = ["GUEST_USER_SECRET", "DATABASE_URL", "NODE_ENV"] as const;

describe("options from the environment", () => {
  let dir: string;
  let saved: Record<string, string | undefined>;
  const opened: GuestUsers[] = [];
  const warnings: string[] = [];
  const logger = { error: () => {}, warn: (message: string) => warnings.push(message) };
  const open = (options: Parameters<typeof createGuestUsers>[0] = {}) => {
    const guestUsers = createGuestUsers({ logger, ...options });
    opened.push(guestUsers);
    return guestUsers;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "guest-user-env-"));
    saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
    for (const name of VARIABLES) delete process.env[name];
    warnings.length = 0;
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((guestUsers) => guestUsers.close()));
    for (const name of VARIABLES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes the database from DATABASE_URL when `database` is not given, and the option over it", async () => {
    process.env.DATABASE_URL = `sqlite:${join(dir, "from-env.sqlite3")}`;
    await open({ secret: SECRET }).migrate();
    expect(existsSync(join(dir, "from-env.sqlite3"))).toBe(true);

    await open({ secret: SECRET, database: `sqlite:${join(dir, "given.sqlite3")}` }).migrate();
    expect(existsSync(join(dir, "given.sqlite3"))).toBe(true);
  });

  it("takes the secret from GUEST_USER_SECRET (the option wins) and generates none", () => {
    process.env.GUEST_USER_SECRET = SECRET;
    const database = `sqlite:${join(dir, "app.sqlite3")}`;
    expect(webSecret(open({ database }).settings)).toBe(SECRET);
    const given = `${"g".repeat(40)}`;
    expect(webSecret(open({ database, secret: given }).settings)).toBe(given);
    expect(existsSync(join(dir, ".guest-user"))).toBe(false);
    expect(warnings).toEqual([]);
  });

  it("refuses a GUEST_USER_SECRET that is too short, naming the variable and not its value", () => {
    process.env.GUEST_USER_SECRET = "short-secret-value";
    expect(() => open()).toThrowError(
      expect.objectContaining({
        code: "INVALID_CONFIG",
        message: expect.stringContaining("GUEST_USER_SECRET is 18 characters long"),
      }),
    );
    try {
      open();
    } catch (error) {
      expect((error as Error).message).not.toContain("short-secret-value");
    }
  });

  it("outside production generates a secret once, beside the SQLite file, git-ignored, announced once", () => {
    const database = `sqlite:${join(dir, "app.sqlite3")}`;
    process.env.NODE_ENV = "development";
    const first = webSecret(createGuestUserHttp(open({ database })).guestUsers.settings);
    const file = join(dir, ".guest-user", "secret");
    expect(readFileSync(file, "utf8")).toBe(first);
    expect(first.length).toBeGreaterThanOrEqual(64);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, ".guest-user", ".gitignore"), "utf8")).toMatch(/^\*$/m);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toContain("GUEST_USER_SECRET");
    expect(warnings[0]).not.toContain(first);

    // A restart (another instance, another process) reads the same secret, silently.
    const again = webSecret(createGuestUserHttp(open({ database })).guestUsers.settings);
    expect(again).toBe(first);
    expect(warnings).toHaveLength(1);
    // Creating the web layer touched no database: SQLite opens its file on the first query.
    expect(existsSync(join(dir, "app.sqlite3"))).toBe(false);
  });

  it("in production refuses to start the web layer without a secret, before touching the database", () => {
    process.env.NODE_ENV = "production";
    const guestUsers = open({ database: `sqlite:${join(dir, "app.sqlite3")}` });
    expect(guestUsers.settings.developmentSecretFile).toBeNull();
    expect(() => createGuestUserHttp(guestUsers)).toThrowError(
      expect.objectContaining({
        code: "INVALID_CONFIG",
        message: expect.stringMatching(/set GUEST_USER_SECRET or pass `secret`.*"production"/),
      }),
    );
    expect(existsSync(join(dir, "app.sqlite3"))).toBe(false);
    expect(existsSync(join(dir, ".guest-user"))).toBe(false);
  });
});
