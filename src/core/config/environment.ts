import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InvalidConfigError } from "../../shared/errors.ts";
import { sqlitePathOf } from "../../shared/sqlite-path.ts";
import type { Logger } from "../model/events.ts";
import type { GuestUsersOptions } from "./options.ts";

/** The environment variables `createGuestUsers()` reads for options it is not given. */
export const ENVIRONMENT = { secret: "GUEST_USER_SECRET", database: "DATABASE_URL" } as const;

/** The shortest secret accepted (from the options or `GUEST_USER_SECRET`). */
export const MIN_SECRET_LENGTH = 32;

type Environment = Readonly<Record<string, string | undefined>>;

/** A variable's value; an empty or blank one counts as unset. */
const variable = (env: Environment, name: string) => env[name]?.trim() || undefined;

/**
 * `options` with `secret` and `database` taken from `GUEST_USER_SECRET` and `DATABASE_URL` when
 * not given (as the CLI does), so an app and its CLI runs find the same database.
 */
export function withEnvironment(
  options: GuestUsersOptions,
  env: Environment = process.env,
): GuestUsersOptions {
  // Not an options object: left for the option check to explain.
  if (typeof options !== "object" || options === null) return options;
  const secret = options.secret ?? variable(env, ENVIRONMENT.secret);
  if (options.secret === undefined && secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new InvalidConfigError(
      "secret",
      `${ENVIRONMENT.secret} is ${secret.length} characters long: use at least ${MIN_SECRET_LENGTH} random characters (e.g. from \`openssl rand -base64 32\`).`,
    );
  }
  const database = options.database ?? variable(env, ENVIRONMENT.database);
  return { ...options, ...(secret && { secret }), ...(database && { database }) };
}

/**
 * Where a development secret is kept when no secret is configured and `NODE_ENV` is not
 * `production`: `.guest-user/secret` beside the SQLite file (or in the working directory for
 * another database), a folder that git-ignores itself. Null in production: there a missing
 * secret stops the web layer before it serves anything.
 */
export function developmentSecretFile(
  database: GuestUsersOptions["database"],
  env: Environment = process.env,
): string | null {
  if (env.NODE_ENV === "production") return null;
  const path = typeof database === "string" ? sqlitePathOf(database) : null;
  const folder = path && path !== ":memory:" ? dirname(resolve(path)) : process.cwd();
  return join(folder, ".guest-user", "secret");
}

/**
 * The development secret kept in `file`, made (48 random bytes, readable by the owner only) and
 * announced once on `logger` when the file does not exist yet. Parallel processes agree: the
 * first to write it wins, the others read it. The secret itself is never logged.
 */
export function developmentSecret(file: string, logger: Logger): string {
  const read = () => readFileSync(file, "utf8").trim();
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(join(dirname(file), ".gitignore"), "# made by guest-user: never commit\n*\n");
  // Written aside, then linked into place: a parallel reader never sees a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, randomBytes(48).toString("base64url"), { mode: 0o600 });
  try {
    linkSync(draft, file);
    logger.warn(
      `guest-user: no secret configured, so a development secret was generated in ${file} (git-ignored). NODE_ENV is not "production"; in production set ${ENVIRONMENT.secret} (openssl rand -base64 32).`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(draft);
  }
  return read();
}
