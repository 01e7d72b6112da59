import { describe, expect, it } from "vitest";
import {
  createGuestUsers,
  DEFAULT_BLOCKED_USER_AGENTS,
  type GuestUsersOptions,
  InvalidConfigError,
} from "../../src/index.ts";

describe("settings", () => {
  it("has the reference's defaults", async () => {
    const gu = createGuestUsers({ database: "sqlite::memory:" });
    expect(gu.settings).toMatchObject({
      enabled: true,
      maxAge: 1_209_600,
      expireBy: "createdAt",
      convertPrefillUsername: false,
      convertUrl: "/convert/",
      convertRedirectUrl: "/convert/success/",
      loginUrl: "/accounts/login/",
      loginRedirectUrl: "/accounts/profile/",
      requiredAnonUrl: "/accounts/login/",
      requiredUserUrl: "/accounts/profile/",
      session: { maxAge: 1_209_600, refreshInterval: 3600 },
      ipv6Subnet: 64,
    });
    expect(DEFAULT_BLOCKED_USER_AGENTS).toHaveLength(12);
    expect(gu.settings.generateName({ maxLength: 150 })).toMatch(/^[0-9a-f]{32}$/);
    expect(gu.settings.generateName({ maxLength: 10 })).toHaveLength(10);
    await gu.close();
  });

  it("derives requiredAnonUrl/requiredUserUrl from loginUrl/loginRedirectUrl, and maxAge from the session age", async () => {
    const gu = createGuestUsers({
      database: "sqlite::memory:",
      loginUrl: "/login/",
      loginRedirectUrl: "/home/",
      session: { maxAge: 86400 },
    });
    expect(gu.settings).toMatchObject({
      requiredAnonUrl: "/login/",
      requiredUserUrl: "/home/",
      maxAge: 86400,
    });
    await gu.close();
  });

  it("uses the numbered generator's prefix and digits", async () => {
    const gu = createGuestUsers({
      database: "sqlite::memory:",
      nameGenerator: "numbered",
      namePrefix: "Visitor",
      nameSuffixDigits: 6,
    });
    expect(gu.settings.generateName({ maxLength: 150 })).toMatch(/^Visitor\d{6}$/);
    await gu.close();
  });

  const bad: [GuestUsersOptions, string][] = [
    [{ maxAge: -1 }, "maxAge"],
    [{ maxAge: Number.NaN }, "maxAge"],
    [{ enabled: "yes" as unknown as boolean }, "enabled"],
    [{ nameGenerator: "pets" as "uuid" }, "nameGenerator"],
    [{ nameSuffixDigits: 0 }, "nameSuffixDigits"],
    [{ namePrefix: "has space" }, "namePrefix"],
    [{ convertUrl: "convert" }, "convertUrl"],
    [{ loginUrl: "//evil.com/login" }, "loginUrl"],
    [{ convertRedirectUrl: "javascript:alert(1)" }, "convertRedirectUrl"],
    [{ blockedUserAgents: ["(unclosed"] }, "blockedUserAgents"],
    [{ blockedUserAgents: "Googlebot" as unknown as string[] }, "blockedUserAgents"],
    [{ session: { refreshInterval: 2_000_000 } }, "session.refreshInterval"],
    [{ expireBy: "updatedAt" as "createdAt" }, "expireBy"],
    [{ convertForm: {} as never }, "convertForm"],
    [{ passwordHashing: { logN: 4, r: 8, p: 1 } }, "passwordHashing"],
    [{ tablePrefix: "bad-prefix" }, "tablePrefix"],
    // `<prefix>terms_acceptances` would pass PostgreSQL's 63-byte identifiers (cut, then clash).
    [{ tablePrefix: `p${"x".repeat(46)}` }, "tablePrefix"],
    [{ users: { table: "users; drop table x" } }, "users.table"],
    [{ users: { columns: { id: "a b" } } }, "users.columns.id"],
    [{ database: "redis://localhost" }, "database"],
    [{ database: 42 as unknown as string }, "database"],
    [{ database: "sqlite:" }, "database"],
    [{ ipv6Subnet: 0 }, "ipv6Subnet"],
    [{ ipv6Subnet: 129 }, "ipv6Subnet"],
    [{ ipv6Subnet: 63.5 }, "ipv6Subnet"],
    [{ ipv6Subnet: "64" as unknown as number }, "ipv6Subnet"],
  ];
  for (const [options, option] of bad) {
    it(`fails at start-up, naming \`${option}\`, for ${JSON.stringify(options)}`, () => {
      let error: unknown;
      try {
        createGuestUsers({ database: "sqlite::memory:", ...options });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidConfigError);
      expect((error as InvalidConfigError).code).toBe("INVALID_CONFIG");
      expect((error as InvalidConfigError).option).toBe(option);
      expect((error as Error).message).toContain(`\`${option}\``);
    });
  }

  it("takes the longest table prefix whose every table name fits in 63 characters", () => {
    const prefix = `p${"x".repeat(45)}`;
    expect(() =>
      createGuestUsers({ database: "sqlite::memory:", tablePrefix: prefix }),
    ).not.toThrow();
  });

  it("hides a password in an unsupported URL", () => {
    expect(() => createGuestUsers({ database: "oracle://scott:tiger@db/x" })).toThrow(
      /scott:\*\*\*@/,
    );
  });
});
