import * as v from "valibot";
import { ValidationError } from "../../shared/errors.ts";
import { accepted } from "../../shared/option-schema.ts";
import { usernameKey } from "../../store/username-case.ts";

/**
 * The default of the `reservedUsernames` option (which says how they are compared): names
 * that look like the site's own people or mailboxes.
 */
export const DEFAULT_RESERVED_USERNAMES: readonly string[] = [
  "admin",
  "administrator",
  "root",
  "superuser",
  "sysadmin",
  "staff",
  "support",
  "moderator",
  "system",
  "security",
  "help",
  "info",
  "webmaster",
  "hostmaster",
  "postmaster",
  "abuse",
  "noreply",
  "no-reply",
  "anonymous",
];

/** The form error of a reserved username. */
export const RESERVED_USERNAME_MESSAGE = "This username is reserved.";

/**
 * The `reservedUsernames` option's schema: the names as keys (usernameKey form), the form
 * every comparison uses.
 * @example
 * ```ts
 * parseOptions(RESERVED_USERNAMES, ["Admin"], "createGuestUsers()").has("admin"); // true
 * ```
 */
export const RESERVED_USERNAMES = v.pipe(
  accepted<readonly string[]>(
    (value) =>
      Array.isArray(value) && value.every((name) => typeof name === "string" && name.trim() !== ""),
    'an array of usernames, e.g. [...DEFAULT_RESERVED_USERNAMES, "billing"] (from guest-user/forms), or [] for none',
  ),
  v.transform(
    (names): ReadonlySet<string> => new Set(names.map((name) => usernameKey(name.trim()))),
  ),
);

/**
 * Throws `VALIDATION_FAILED` with the username field's error {@link RESERVED_USERNAME_MESSAGE}
 * when `username` is one of the `reserved` keys (nothing has been written yet).
 */
export function refuseReserved(reserved: ReadonlySet<string>, username: string): void {
  if (reserved.has(usernameKey(username)))
    throw new ValidationError({ username: [RESERVED_USERNAME_MESSAGE] });
}
