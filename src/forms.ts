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
  DEFAULT_RESERVED_USERNAMES,
  RESERVED_USERNAME_MESSAGE,
} from "./core/config/reserved-usernames.ts";
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
} from "./core/model/forms/password-validators.ts";
export {
  assertValid,
  type ValidationResult,
  validateInput,
} from "./core/model/forms/standard-schema.ts";
export {
  USER_CREATION_FIELDS,
  type UserCreationData,
  type UserCreationFormOptions,
  userCreationForm,
} from "./core/model/forms/user-creation-form.ts";
export {
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  type ScryptParams,
  verifyPassword,
} from "./core/model/passwords.ts";
export type { ConvertForm, Credentials, FormField } from "./core/model/types.ts";
export { friendlyNameGenerator } from "./core/model/usernames/friendly.ts";
export type { NameGenerator, NameGeneratorContext } from "./core/model/usernames/name-generator.ts";
export {
  type NumberedNameOptions,
  numberedNameGenerator,
} from "./core/model/usernames/numbered.ts";
export type { NameGeneratorName, NameGeneratorSetting } from "./core/model/usernames/resolve.ts";
export { uuidNameGenerator } from "./core/model/usernames/uuid.ts";
