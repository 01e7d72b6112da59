/**
 * The reference app's operations variables (issue 7): the admin, one OpenID Connect provider
 * and the terms of service. Read by config.ts, checked the same way: every problem is listed.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `GUEST_USER_ADMIN_USERS` | none (staff only) | comma-separated usernames of password accounts also allowed into `/admin/guests/` |
 * | `GUEST_USER_OIDC_ISSUER` | none | an OpenID Connect issuer URL: adds the provider `oidc` |
 * | `GUEST_USER_OIDC_CLIENT_ID` | none | its client id (required with the issuer) |
 * | `GUEST_USER_OIDC_CLIENT_SECRET` | none | its client secret (required with the issuer) |
 * | `GUEST_USER_TERMS_VERSION` | none (no terms) | the current terms version: turns terms on |
 */

/** One OpenID Connect provider, named `oidc`. */
export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The operations part of the configuration. `undefined`: off. */
export interface OperationsConfig {
  /**
   * Usernames of the admins besides staff (compared as stored: NFKC, case-insensitive);
   * only accounts with a password are admitted by name (see operations.ts).
   */
  readonly adminUsers: readonly string[] | undefined;
  readonly oidc: OidcConfig | undefined;
  readonly termsVersion: string | undefined;
}

const OIDC = [
  "GUEST_USER_OIDC_ISSUER",
  "GUEST_USER_OIDC_CLIENT_ID",
  "GUEST_USER_OIDC_CLIENT_SECRET",
] as const;

/**
 * Reads the operations variables; pushes one line per bad value onto `problems`.
 *
 * @example
 * ```ts
 * readOperations((name) => process.env[name], problems).adminUsers; // ["ada"]
 * ```
 */
export function readOperations(
  value: (name: string) => string | undefined,
  problems: string[],
): OperationsConfig {
  let adminUsers: string[] | undefined;
  const rawAdmins = value("GUEST_USER_ADMIN_USERS");
  if (rawAdmins !== undefined) {
    adminUsers = rawAdmins
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "");
    if (adminUsers.length === 0) {
      problems.push(
        `GUEST_USER_ADMIN_USERS: expected comma-separated usernames; got ${JSON.stringify(rawAdmins)}`,
      );
      adminUsers = undefined;
    }
  }

  let oidc: OidcConfig | undefined;
  const [issuer, clientId, clientSecret] = OIDC.map((name) => value(name));
  if (issuer !== undefined || clientId !== undefined || clientSecret !== undefined) {
    const missing = OIDC.filter((name) => value(name) === undefined);
    if (missing.length > 0) {
      problems.push(`${missing.join(", ")}: required with the other GUEST_USER_OIDC_* variables`);
    } else if (!isUrlOf(issuer as string, ["http:", "https:"])) {
      problems.push(
        `GUEST_USER_OIDC_ISSUER: expected an http(s) URL such as https://accounts.example.com; got ${JSON.stringify(issuer)}`,
      );
    } else {
      oidc = {
        issuer: issuer as string,
        clientId: clientId as string,
        clientSecret: clientSecret as string,
      };
    }
  }

  const termsVersion = value("GUEST_USER_TERMS_VERSION");
  if (termsVersion !== undefined && !/^[\w.:-]{1,64}$/.test(termsVersion)) {
    problems.push(
      `GUEST_USER_TERMS_VERSION: expected up to 64 letters, digits or ".:-_" (e.g. 2026-11); got ${JSON.stringify(termsVersion)}`,
    );
  }
  return {
    adminUsers,
    oidc,
    termsVersion: problems.some((p) => p.startsWith("GUEST_USER_TERMS_VERSION"))
      ? undefined
      : termsVersion,
  };
}

/**
 * True when `raw` is a URL with a host and one of `protocols` (e.g. `["http:", "https:"]`).
 *
 * @example
 * ```ts
 * isUrlOf("redis://cache:6379", ["redis:", "rediss:"]); // true
 * ```
 */
export function isUrlOf(raw: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(raw);
    return protocols.includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}
