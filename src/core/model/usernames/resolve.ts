import { InvalidConfigError } from "../../../shared/errors.ts";
import { accepted } from "../../../shared/option-schema.ts";
import { friendlyNameGenerator } from "./friendly.ts";
import type { NameGenerator } from "./name-generator.ts";
import { type NumberedNameOptions, numberedNameGenerator } from "./numbered.ts";
import { uuidNameGenerator } from "./uuid.ts";

/** The names of the generators that ship with the library. */
export type NameGeneratorName = "uuid" | "numbered" | "friendly";

/**
 * The `nameGenerator` setting: one of the built-in generators by name, or your own function.
 * @default "uuid"
 * @example "friendly"
 */
export type NameGeneratorSetting = NameGeneratorName | NameGenerator;

const GENERATORS = {
  uuid: () => uuidNameGenerator,
  numbered: numberedNameGenerator,
  friendly: friendlyNameGenerator,
} satisfies Record<NameGeneratorName, (options: NumberedNameOptions) => NameGenerator>;
const EXPECTED = '"uuid", "numbered", "friendly" or a function';

/** The `nameGenerator` option's schema: a {@link NameGeneratorSetting}. */
export const NAME_GENERATOR_SETTING = accepted<NameGeneratorSetting>(
  (value) => typeof value === "function" || Object.keys(GENERATORS).includes(value as string),
  EXPECTED,
);

/**
 * Turns the `nameGenerator` setting into a generator function. `prefix` and `digits` only
 * affect `"numbered"`; a function is returned as it is. Throws {@link InvalidConfigError}
 * (option `nameGenerator`) for an unknown name.
 */
export function resolveNameGenerator(
  setting: NameGeneratorSetting,
  options: NumberedNameOptions = {},
): NameGenerator {
  if (typeof setting === "function") return setting;
  if (Object.hasOwn(GENERATORS, setting)) return GENERATORS[setting](options);
  throw new InvalidConfigError(
    "nameGenerator",
    `expected ${EXPECTED}, got ${JSON.stringify(setting) ?? String(setting)}.`,
  );
}
