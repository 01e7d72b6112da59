/**
 * Every error this library throws on purpose is a {@link GuestUserError} with a stable,
 * UPPER_SNAKE `code` that programs can switch on, and a message that names the fix.
 *
 * @example
 * ```ts
 * try {
 *   await guestUsers.convert(user, form);
 * } catch (error) {
 *   if (error instanceof GuestUserError && error.code === "NOT_GUEST") redirect("/");
 * }
 * ```
 */
export type GuestUserErrorCode =
  | "INVALID_CONFIG"
  | "NOT_GUEST"
  | "USERNAME_EXHAUSTED"
  | "VALIDATION_FAILED"
  | "USER_NOT_FOUND"
  | "DATABASE_UNAVAILABLE"
  | "MIGRATION_FAILED"
  | "DRIVER_MISSING"
  | "LISTENER_FAILED"
  | "OUTER_DB_IN_LISTENER"
  | "CSRF_FAILED"
  | "IDENTITY_TAKEN"
  | "NOT_REGISTERED"
  | "OAUTH_FAILED";

/** The base class of every error the library throws on purpose. */
export class GuestUserError extends Error {
  /** A stable code; messages may change between versions, codes do not. */
  readonly code: GuestUserErrorCode;

  constructor(code: GuestUserErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * An option passed to `createGuestUsers()` (or a CLI flag) is invalid. Thrown at start-up,
 * never on a request.
 */
export class InvalidConfigError extends GuestUserError {
  /** The name of the offending option, e.g. `maxAge` or `users.columns.username`. */
  readonly option: string;

  constructor(option: string, message: string, options?: ErrorOptions) {
    super("INVALID_CONFIG", `Invalid option \`${option}\`: ${message}`, options);
    this.option = option;
  }
}

/**
 * `convert()` was asked to convert a user that is not (or no longer) a guest: a registered
 * user, a deleted user, or a guest that a concurrent request converted first. The
 * reference raises a TypeError here; we keep the meaning under a stable code.
 */
export class NotGuestError extends GuestUserError {
  constructor(userId: unknown) {
    super(
      "NOT_GUEST",
      `User ${String(userId)} is not a guest (it is registered, deleted, or was just converted): only guests can be converted; check isGuestUser(user) first.`,
    );
  }
}

/** Field-level validation errors, keyed by field name; `""` holds errors of the whole form. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/**
 * Input given to `convert()` (or another form) did not validate. Nothing was changed.
 * `fieldErrors` maps each field to its messages, ready to show beside the inputs.
 */
export class ValidationError extends GuestUserError {
  readonly fieldErrors: FieldErrors;

  constructor(fieldErrors: FieldErrors) {
    const summary = Object.entries(fieldErrors)
      .map(([field, messages]) => `${field || "form"}: ${messages.join(" ")}`)
      .join("; ");
    super(
      "VALIDATION_FAILED",
      `The form did not validate (${summary}). Fix the fields and submit again.`,
    );
    this.fieldErrors = fieldErrors;
  }
}

/** Wraps a database failure (server down, connection refused) with a message that says what to check. */
export class DatabaseUnavailableError extends GuestUserError {
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      "DATABASE_UNAVAILABLE",
      `The database could not be reached (${detail}): check that the server runs and that the \`database\` option or DATABASE_URL points at it.`,
      { cause },
    );
  }
}
