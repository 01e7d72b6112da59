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
  | "INVALID_INPUT"
  | "USER_NOT_FOUND"
  | "DATABASE_UNAVAILABLE"
  | "MIGRATION_FAILED"
  | "SCHEMA_MISSING"
  | "DRIVER_MISSING"
  | "LISTENER_FAILED"
  | "OUTER_DB_IN_LISTENER"
  | "CSRF_FAILED"
  | "IDENTITY_TAKEN"
  | "NOT_REGISTERED"
  | "OAUTH_FAILED"
  | "LINK_EXPIRED"
  | "QUOTA_EXCEEDED"
  | BodyErrorCode;

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

  /**
   * @param options `unknown: true` for a key no option has ("Unknown option `databse`: ...").
   */
  constructor(
    option: string,
    message: string,
    options?: ErrorOptions & { readonly unknown?: boolean },
  ) {
    const kind = options?.unknown ? "Unknown" : "Invalid";
    super("INVALID_CONFIG", `${kind} option \`${option}\`: ${message}`, options);
    this.option = option;
  }
}

/** The codes of a {@link BodyError}. */
export type BodyErrorCode =
  | "MALFORMED_BODY"
  | "BODY_TOO_LARGE"
  | "BODY_TOO_DEEP"
  | "UNSUPPORTED_MEDIA_TYPE";

/**
 * A request body the library reads (the account views, `readBody`) or re-encodes (a body
 * Express's or Fastify's parser already parsed, for a mounted Web handler) cannot be taken.
 * Nothing was changed; every adapter answers `status` (JSON clients get
 * `{ error: { code, message } }`) and logs nothing:
 * - 400 `MALFORMED_BODY`: not valid JSON, or JSON that is not an object of fields;
 * - 400 `BODY_TOO_DEEP`: JSON nested deeper than 64 arrays or objects;
 * - 413 `BODY_TOO_LARGE`: more bytes than the limit (64 KiB for the views);
 * - 415 `UNSUPPORTED_MEDIA_TYPE`: neither a form nor JSON.
 *
 * @example
 * ```ts
 * if (error instanceof BodyError) return new Response(error.message, { status: error.status });
 * ```
 */
export class BodyError extends GuestUserError {
  /** 400 (malformed or too deep), 413 (too large) or 415 (unsupported type). */
  readonly status: 400 | 413 | 415;
  /** Which of the refusals it is: `MALFORMED_BODY`, `BODY_TOO_DEEP`, `BODY_TOO_LARGE`, `UNSUPPORTED_MEDIA_TYPE`. */
  declare readonly code: BodyErrorCode;

  constructor(status: BodyError["status"], code: BodyErrorCode, message: string) {
    super(code, message);
    this.status = status;
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

/**
 * A "continue on another device" link that cannot be used: already used, expired, ended with
 * the session that asked for it (a log-out, log-out everywhere, a conversion), or never
 * issued. The account views answer 410 Gone. Nothing was changed.
 *
 * @example
 * ```ts
 * try {
 *   await guestUsers.redeemContinueLink(token);
 * } catch (error) {
 *   if (error instanceof LinkExpiredError) return new Response(error.message, { status: 410 });
 * }
 * ```
 */
export class LinkExpiredError extends GuestUserError {
  constructor() {
    super(
      "LINK_EXPIRED",
      "This link has expired or was already used. Ask for a new one on the device you started on.",
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

/**
 * Why a text value cannot reach a database, as {@link InvalidInputError.reason}:
 * - `nul`: it holds a NUL character (U+0000), which PostgreSQL refuses in text;
 * - `lone-surrogate`: it is not well-formed Unicode (half of a UTF-16 surrogate pair), which
 *   the drivers would silently store as U+FFFD, a different value;
 * - `too-long`: it has more characters than its column holds.
 */
export type InvalidInputReason = "nul" | "lone-surrogate" | "too-long";

/**
 * A value sent to the library (a form field, a search, a username, an identity) can never be
 * stored or compared by the database as it is: code `INVALID_INPUT`, found before any query,
 * nothing changed. A kind of {@link ValidationError}, so code that shows `fieldErrors` beside
 * the inputs handles it too; the message names the field and the fix, never the value.
 *
 * @example
 * ```ts
 * try {
 *   await guestUsers.authenticate({ username: "a\u0000b", password });
 * } catch (error) {
 *   if (error instanceof InvalidInputError) console.log(error.field, error.reason); // "username" "nul"
 * }
 * ```
 */
export class InvalidInputError extends ValidationError {
  /** Always `INVALID_INPUT` (not the `VALIDATION_FAILED` of other validation errors). */
  override readonly code: GuestUserErrorCode = "INVALID_INPUT";
  /** The offending field, e.g. `username` or `q`. */
  readonly field: string;
  /** What is wrong with it. */
  readonly reason: InvalidInputReason;

  /**
   * @param field the field's name
   * @param reason what is wrong with its value
   * @param maxLength the field's limit, named in the message of a `too-long` value
   */
  constructor(field: string, reason: InvalidInputReason, maxLength?: number) {
    const message =
      reason === "nul"
        ? "This value contains a NUL character (U+0000): remove it and send it again."
        : reason === "lone-surrogate"
          ? "This value is not well-formed Unicode (a lone UTF-16 surrogate): send valid text."
          : `This value is longer than ${maxLength ?? "its column's"} characters: shorten it.`;
    super({ [field]: [message] });
    this.message = `The field \`${field}\` cannot be stored: ${message}`;
    this.field = field;
    this.reason = reason;
  }
}
