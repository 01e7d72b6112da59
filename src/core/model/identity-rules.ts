import { GuestUserError, ValidationError } from "../../shared/errors.ts";
import { checkText, textProblem } from "../../shared/storable-text.ts";
import { EMAIL_MAX_LENGTH } from "./credential-text.ts";
import type { Identity, UserId } from "./types.ts";

/**
 * The identity is already linked to another user: code `IDENTITY_TAKEN`. Nothing was changed.
 */
export class IdentityTakenError extends GuestUserError {
  constructor(provider: string) {
    super(
      "IDENTITY_TAKEN",
      `This ${provider} account is already linked to another user: sign in with it (signInWithIdentity) to use that account, or unlink it there first.`,
    );
  }
}

/** A guest was given where a registered user is needed (linking): code `NOT_REGISTERED`. */
export class NotRegisteredError extends GuestUserError {
  constructor(userId: UserId) {
    super(
      "NOT_REGISTERED",
      `User ${String(userId)} is a guest: convert it with convertWithIdentity(guest, identity) instead of linking an identity to it.`,
    );
  }
}

const invalid = (message: string) => new ValidationError({ identity: [message] });

/**
 * Checks an identity from a provider (`VALIDATION_FAILED` for a bad provider name or
 * subject, `INVALID_INPUT` for a subject no database can store: a NUL character, a lone
 * surrogate); an e-mail that does not fit the table (254), has no "@" or holds such a
 * character is dropped.
 */
export function checkIdentity(identity: Identity): Identity {
  const { provider, subject } = identity ?? {};
  if (typeof provider !== "string" || !/^[\w.-]{1,64}$/.test(provider))
    throw invalid("The provider name must be 1 to 64 letters, digits, '_', '.' or '-'.");
  if (typeof subject !== "string" || subject.length === 0 || subject.length > 255)
    throw invalid("The subject (the provider's user id) must be 1 to 255 characters.");
  checkText("subject", subject);
  const email =
    typeof identity.email === "string" &&
    identity.email.includes("@") &&
    textProblem(identity.email, EMAIL_MAX_LENGTH) === null
      ? identity.email
      : null;
  return { ...identity, email };
}
