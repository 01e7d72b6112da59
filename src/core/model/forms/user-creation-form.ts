import type { StandardSchemaV1 } from "@standard-schema/spec";
import * as v from "valibot";
import {
  accepted,
  type EntriesOf,
  optionBag,
  parseOptions,
} from "../../../shared/option-schema.ts";
import { describeKind, wholeNumber } from "../../../shared/option-values.ts";
import type { ConvertForm, FormField } from "../types.ts";
import {
  defaultPasswordValidators,
  minimumLengthValidator,
  type PasswordValidator,
  validatePassword,
} from "./password-validators.ts";

/**
 * The validated fields of `userCreationForm()`.
 *
 * @example
 * ```ts
 * const data: UserCreationData = { username: "ann", password1: "v7#Lq9!zTf2m", password2: "v7#Lq9!zTf2m" };
 * ```
 */
export interface UserCreationData {
  /** Trimmed and NFKC-normalized. */
  readonly username: string;
  /** As typed: passwords are never trimmed. */
  readonly password1: string;
  /** Equal to `password1`. */
  readonly password2: string;
}

/** Options of `userCreationForm()`. */
export interface UserCreationFormOptions {
  /**
   * The fewest characters a password may have (used by the default validators only).
   * @default 8
   * @example 12
   */
  readonly minPasswordLength?: number;
  /**
   * The most characters a username may have: match your users table's column.
   * @default 150
   * @example 64
   */
  readonly usernameMaxLength?: number;
  /**
   * The password rules; when given they replace the defaults.
   * @default {@link defaultPasswordValidators}, with `minPasswordLength`
   * @example [minimumLengthValidator({ minLength: 12 }), commonPasswordValidator()]
   */
  readonly passwordValidators?: readonly PasswordValidator[];
}

const USER_CREATION_FORM_OPTIONS = optionBag({
  minPasswordLength: v.optional(wholeNumber(1), 8),
  usernameMaxLength: v.optional(wholeNumber(1), 150),
  passwordValidators: v.optional(
    accepted<readonly PasswordValidator[]>(
      Array.isArray,
      "an array of password validators",
      describeKind,
    ),
  ),
} satisfies EntriesOf<UserCreationFormOptions>);

/**
 * No text field accepts more than this many UTF-16 code units, whatever its own limit: a
 * cheap guard that runs before any other check, so huge inputs cost nothing.
 */
export const MAX_FIELD_LENGTH = 4096;

const REQUIRED = "This field is required.";
const MISMATCH = "The two password fields didn’t match.";
const INVALID_USERNAME =
  "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.";
const USERNAME_PATTERN = /^[\p{L}\p{N}_.@+-]+$/u;

type Issue = StandardSchemaV1.Issue;
type FieldReader = (name: string) => unknown;

/** Reads fields from a plain object, or from anything with `get(name)` (FormData, URLSearchParams, Map). */
function fieldReader(input: unknown): FieldReader | null {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return null;
  const getter: unknown = (input as { get?: unknown }).get;
  if (typeof getter === "function") {
    return (name) => (getter as (name: string) => unknown).call(input, name);
  }
  const record = input as Readonly<Record<string, unknown>>;
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof Blob !== "undefined" && value instanceof Blob) return "a file";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

function tooLong(limit: number, count: number): string {
  return `Ensure this value has at most ${limit} characters (it has ${count}).`;
}

/** Reports `message` on `field`; returns `undefined`, the value of a field that failed. */
function reject(issues: Issue[], field: string, message: string): undefined {
  issues.push({ message, path: [field] });
  return undefined;
}

/** A field's text, or `undefined` (reported) when it is missing, not text, or too long. */
function readText(read: FieldReader, field: string, issues: Issue[]): string | undefined {
  const raw = read(field);
  if (raw === undefined || raw === null || raw === "") return reject(issues, field, REQUIRED);
  if (typeof raw !== "string")
    return reject(issues, field, `This field must be text, not ${describe(raw)}.`);
  if (raw.length > MAX_FIELD_LENGTH)
    return reject(issues, field, tooLong(MAX_FIELD_LENGTH, raw.length));
  return raw;
}

function readUsername(read: FieldReader, maxLength: number, issues: Issue[]): string | undefined {
  const username = readText(read, "username", issues)?.trim().normalize("NFKC");
  if (username === undefined) return undefined;
  const count = Array.from(username).length;
  if (username === "") return reject(issues, "username", REQUIRED);
  if (count > maxLength) return reject(issues, "username", tooLong(maxLength, count));
  if (!USERNAME_PATTERN.test(username)) return reject(issues, "username", INVALID_USERNAME);
  return username;
}

/**
 * The built-in convert form, our equivalent of the reference's `UserCreationForm`: a
 * username (letters, digits and @ . + - _, at most `usernameMaxLength` characters, trimmed)
 * and a password typed twice, which must match and pass the password validators. Messages
 * of the validators and of a mismatch go on `password2`. Its `schema` is a Standard Schema
 * v1 validator that reads a plain object (a JSON body) or anything with `get(name)`
 * (`FormData`, `URLSearchParams`). It does not check that the username is free: the
 * conversion does that against the database.
 *
 * @example
 * ```ts
 * const form = userCreationForm({ minPasswordLength: 10 });
 * const result = await validateInput(form.schema, await request.formData());
 * if (result.ok) await guestUsers.convert(user, form.getCredentials(result.value));
 * ```
 */
export function userCreationForm(
  options: UserCreationFormOptions = {},
): ConvertForm<UserCreationData> {
  const { minPasswordLength, usernameMaxLength, passwordValidators } = parseOptions(
    USER_CREATION_FORM_OPTIONS,
    options,
    "userCreationForm()",
  );
  const validators =
    passwordValidators ??
    defaultPasswordValidators.map((rule) =>
      rule.name === "minimumLength"
        ? minimumLengthValidator({ minLength: minPasswordLength })
        : rule,
    );

  function validate(input: unknown): StandardSchemaV1.Result<UserCreationData> {
    const read = fieldReader(input);
    if (read === null) {
      const message = `Expected form fields (an object, FormData or URLSearchParams), not ${describe(input)}.`;
      return { issues: [{ message }] };
    }
    const issues: Issue[] = [];
    const username = readUsername(read, usernameMaxLength, issues);
    const password1 = readText(read, "password1", issues);
    const password2 = readText(read, "password2", issues);
    if (password1 !== undefined && password2 !== undefined) {
      if (password1 !== password2) {
        issues.push({ message: MISMATCH, path: ["password2"] });
      } else {
        const user = username === undefined ? {} : { username };
        for (const message of validatePassword(password2, user, validators)) {
          issues.push({ message, path: ["password2"] });
        }
      }
    }
    if (issues.length > 0 || username === undefined || password1 === undefined) return { issues };
    return { value: { username, password1, password2: password1 } };
  }

  return {
    schema: { "~standard": { version: 1, vendor: "guest-user", validate } },
    getCredentials: (value) => ({ username: value.username, password: value.password1 }),
    fields: USER_CREATION_FIELDS,
  };
}

/** The inputs of `userCreationForm()`, as the HTML views render them. */
export const USER_CREATION_FIELDS: readonly FormField[] = [
  {
    name: "username",
    label: "Username",
    autocomplete: "username",
    help: "150 characters or fewer. Letters, digits and @/./+/-/_ only.",
  },
  {
    name: "password1",
    label: "Password",
    type: "password",
    autocomplete: "new-password",
    help: "At least 8 characters; not too common, not all digits, not like your username.",
  },
  {
    name: "password2",
    label: "Password confirmation",
    type: "password",
    autocomplete: "new-password",
    help: "Enter the same password as before, for verification.",
  },
];
