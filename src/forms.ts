/**
 * `guest-user/forms`: the building blocks of the convert and sign-up forms (the reference's
 * `UserCreationForm` and password validators), Standard Schema helpers, password hashing for
 * apps that import users, and the guest name generators to compose your own.
 *
 * @example
 * ```ts
 * import { createGuestUsers } from "guest-user";
 * import { minimumLengthValidator, numberedNameGenerator, userCreationForm } from "guest-user/forms";
 * const guestUsers = createGuestUsers({
 *   convertForm: userCreationForm({ passwordValidators: [minimumLengthValidator({ minLength: 12 })] }),
 *   nameGenerator: numberedNameGenerator({ prefix: "Visitor" }),
 * });
 * ```
 * @module
 */

export {
  type CommonPasswordOptions,
  commonPasswordValidator,
  defaultPasswordValidators,
  type MinimumLengthOptions,
  minimumLengthValidator,
  numericPasswordValidator,
  type PasswordUser,
  type PasswordUserAttribute,
  type PasswordValidator,
  type UserAttributeSimilarityOptions,
  userAttributeSimilarityValidator,
  validatePassword,
} from "./core/forms/password-validators.ts";
export { assertValid, type ValidationResult, validateInput } from "./core/forms/standard-schema.ts";
export {
  USER_CREATION_FIELDS,
  type UserCreationData,
  type UserCreationFormOptions,
  userCreationForm,
} from "./core/forms/user-creation-form.ts";
export {
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  type ScryptParams,
  verifyPassword,
} from "./core/passwords.ts";
export {
  DEFAULT_RESERVED_USERNAMES,
  RESERVED_USERNAME_MESSAGE,
} from "./core/reserved-usernames.ts";
export type { ConvertForm, Credentials, FormField } from "./core/types.ts";
export { friendlyNameGenerator } from "./core/usernames/friendly.ts";
export type { NameGenerator, NameGeneratorContext } from "./core/usernames/name-generator.ts";
export { type NumberedNameOptions, numberedNameGenerator } from "./core/usernames/numbered.ts";
export type { NameGeneratorName, NameGeneratorSetting } from "./core/usernames/resolve.ts";
export { uuidNameGenerator } from "./core/usernames/uuid.ts";
