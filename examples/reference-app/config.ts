/**
 * The reference app's configuration, read from the environment and checked up front: a bad
 * value stops the app with one line per problem, before anything starts.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT` | `3000` | `0` picks a free port (printed as `listening on http://...`) |
 * | `HOST` | `127.0.0.1` | the address to listen on |
 * | `ADAPTER` | `express` | `express`, `hono` or `fastify` |
 * | `DATABASE_URL` | a SQLite file in a fresh temp dir | `sqlite:...`, `postgres://...`, `mysql://...` |
 * | `GUEST_USER_ENABLED` | `true` | `false`: `allow_guest_user` lets anonymous visitors through |
 * | `GUEST_USER_MAX_AGE` | the library's (14 days) | seconds until a guest is expired |
 * | `GUEST_USER_NAME_GENERATOR` | `uuid` | `uuid`, `numbered` or `friendly` |
 * | `GUEST_USER_SECRET` | a random one per start | at least 32 characters |
 *
 * An empty variable counts as unset.
 */

/** The web frameworks the app runs on. */
export const ADAPTERS = ["express", "hono", "fastify"] as const;
export type AdapterName = (typeof ADAPTERS)[number];

/** The built-in guest name generators. */
export const NAME_GENERATORS = ["uuid", "numbered", "friendly"] as const;
export type NameGeneratorName = (typeof NAME_GENERATORS)[number];

/** The checked configuration. `undefined` means "use the default". */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly adapter: AdapterName;
  /** Unset: the server makes a SQLite file in a fresh temp dir. */
  readonly databaseUrl: string | undefined;
  readonly enabled: boolean | undefined;
  readonly maxAge: number | undefined;
  readonly nameGenerator: NameGeneratorName | undefined;
  /** Unset: the server generates a random one and says so. */
  readonly secret: string | undefined;
}

/** Every problem found in the environment, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/**
 * Reads and checks the environment; throws a {@link ConfigError} listing every bad value.
 *
 * @example
 * ```ts
 * readConfig({ PORT: "0", ADAPTER: "hono" }); // { port: 0, adapter: "hono", ... }
 * ```
 */
export function readConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const oneOf = <T extends string>(name: string, choices: readonly T[]): T | undefined => {
    const raw = value(name);
    if (raw === undefined || (choices as readonly string[]).includes(raw)) {
      return raw as T | undefined;
    }
    problems.push(`${name}: expected ${choices.join(", ")}; got ${JSON.stringify(raw)}`);
    return undefined;
  };
  const integer = (name: string, min: number, max: number): number | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    const parsed = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isSafeInteger(parsed) && parsed >= min && parsed <= max) return parsed;
    problems.push(
      `${name}: expected a whole number from ${min} to ${max}; got ${JSON.stringify(raw)}`,
    );
    return undefined;
  };

  const port = integer("PORT", 0, 65_535) ?? 3000;
  const adapter = oneOf("ADAPTER", ADAPTERS) ?? "express";
  const nameGenerator = oneOf("GUEST_USER_NAME_GENERATOR", NAME_GENERATORS);
  const maxAge = integer("GUEST_USER_MAX_AGE", 1, 100 * 365 * 24 * 3600);

  let enabled: boolean | undefined;
  const rawEnabled = value("GUEST_USER_ENABLED")?.toLowerCase();
  if (rawEnabled !== undefined) {
    if (TRUE.has(rawEnabled)) enabled = true;
    else if (FALSE.has(rawEnabled)) enabled = false;
    else {
      problems.push(
        `GUEST_USER_ENABLED: expected true or false; got ${JSON.stringify(env.GUEST_USER_ENABLED)}`,
      );
    }
  }

  const secret = value("GUEST_USER_SECRET");
  if (secret !== undefined && secret.length < 32) {
    problems.push(
      `GUEST_USER_SECRET: expected at least 32 characters (e.g. \`openssl rand -base64 32\`); got ${secret.length}`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: value("HOST") ?? "127.0.0.1",
    adapter,
    // Checked by createGuestUsers(), whose INVALID_CONFIG message names the accepted forms.
    databaseUrl: value("DATABASE_URL"),
    enabled,
    maxAge,
    nameGenerator,
    secret,
  };
}
