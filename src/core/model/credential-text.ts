import { checkText } from "../../shared/storable-text.ts";
import type { Credentials } from "./types.ts";

/** The most characters of an e-mail address (RFC 5321), and of the built-in `email` column. */
export const EMAIL_MAX_LENGTH = 254;

/**
 * Checks the credentials a convert form yielded before they reach the users table: the
 * username (as it will be stored, NFKC) within `usernameMaxLength`, the e-mail within
 * {@link EMAIL_MAX_LENGTH}, neither with a NUL or a lone surrogate. A custom form's rules may
 * let such values through; the database would refuse them (PostgreSQL, MySQL in strict mode)
 * or store something else. Throws `INVALID_INPUT` naming the field.
 */
export function checkCredentialText(credentials: Credentials, usernameMaxLength: number): void {
  const { username, email } = credentials;
  checkText(
    "username",
    typeof username === "string" ? username.normalize("NFKC") : username,
    usernameMaxLength,
  );
  checkText("email", email, EMAIL_MAX_LENGTH);
}
