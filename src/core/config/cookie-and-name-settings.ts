import { InvalidConfigError } from "../../shared/errors.ts";
import { type NameGenerator, resolveNameGenerator } from "../model/usernames/index.ts";
import { check, describe } from "./checks.ts";
import type { CookieOptions, GuestUsersOptions } from "./options.ts";
import type { Settings } from "./resolved-settings.ts";

/**
 * Checks the `cookie` option and fills in its defaults (HttpOnly and SameSite=Lax are not
 * options: they are always on).
 *
 * @example
 * ```ts
 * resolveCookie({ name: "sid" }); // { name: "sid", secure: "auto", domain: null, path: "/" }
 * ```
 */
export function resolveCookie(options: CookieOptions | undefined): Settings["cookie"] {
  const cookie = options ?? {};
  return {
    name: check(
      "cookie.name",
      cookie.name,
      "guest_user_session",
      (v) => typeof v === "string" && /^[\w-]{1,64}$/.test(v),
      "letters, digits, _ or - (at most 64)",
    ),
    secure: check(
      "cookie.secure",
      cookie.secure,
      "auto" as boolean | "auto",
      (v) => v === "auto" || typeof v === "boolean",
      'true, false or "auto"',
    ),
    domain: check(
      "cookie.domain",
      cookie.domain,
      null as string | null,
      (v) => typeof v === "string" && /^[a-z0-9.-]+$/i.test(v),
      "a host name",
    ),
    path: check(
      "cookie.path",
      cookie.path,
      "/",
      (v) => typeof v === "string" && /^\/[\w\-./~]*$/.test(v),
      'a path starting with "/"',
    ),
  };
}

/**
 * Checks `nameGenerator`, `namePrefix` and `nameSuffixDigits` and returns the generator.
 *
 * @example
 * ```ts
 * const generate = resolveGenerator({ nameGenerator: "numbered", namePrefix: "Visitor" });
 * ```
 */
export function resolveGenerator(
  options: Pick<GuestUsersOptions, "nameGenerator" | "namePrefix" | "nameSuffixDigits">,
): NameGenerator {
  const prefix = check(
    "namePrefix",
    options.namePrefix,
    "Guest",
    (v) => typeof v === "string" && /^[\w.@+-]{0,100}$/.test(v),
    "letters, digits or @.+-_ (at most 100)",
  );
  const digits = check(
    "nameSuffixDigits",
    options.nameSuffixDigits,
    4,
    (v) => Number.isInteger(v) && v >= 1 && v <= 12,
    "an integer from 1 to 12",
  );
  const nameSetting = options.nameGenerator ?? "uuid";
  let generateName: NameGenerator;
  try {
    generateName = resolveNameGenerator(nameSetting, { prefix, digits });
  } catch (cause) {
    if (cause instanceof InvalidConfigError) throw cause;
    throw new InvalidConfigError(
      "nameGenerator",
      `expected "uuid", "numbered", "friendly" or a function, got ${describe(nameSetting)}`,
    );
  }
  return generateName;
}
