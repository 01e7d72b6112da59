export { friendlyNameGenerator } from "./friendly.ts";
export {
  attemptOf,
  cutToMaxLength,
  type NameGenerator,
  type NameGeneratorContext,
} from "./name-generator.ts";
export {
  digitsForAttempt,
  type NumberedNameOptions,
  numberedNameGenerator,
} from "./numbered.ts";
export {
  type NameGeneratorName,
  type NameGeneratorSetting,
  resolveNameGenerator,
} from "./resolve.ts";
export { uuidNameGenerator } from "./uuid.ts";
export { ADJECTIVES, NOUNS } from "./words.ts";
