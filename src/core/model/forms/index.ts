export { isCommonPassword, loadCommonPasswords } from "./common-passwords.ts";
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
} from "./password-validators.ts";
export {
  assertValid,
  issuesToFieldErrors,
  type ValidationResult,
  validateInput,
} from "./standard-schema.ts";
export {
  MAX_FIELD_LENGTH,
  USER_CREATION_FIELDS,
  type UserCreationData,
  type UserCreationFormOptions,
  userCreationForm,
} from "./user-creation-form.ts";
