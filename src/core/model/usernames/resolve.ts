import { InvalidConfigError } from "../../../shared/errors.ts";
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

/**
 * Turns the `nameGenerator` setting into a generator function. `prefix` and `digits` only
 * affect `"numbered"`; a function is returned as it is. Throws {@link InvalidConfigError}
 * (option `nameGenerator`) for an unknown name.
 *
 * @example
 * ```ts
 * const generate = resolveNameGenerator("numbered", { prefix: "Visitor", digits: 6 });
 * generate({ maxLength: 150 }); // "Visitor042917"
 * ```
 */
export function resolveNameGenerator(
  setting: NameGeneratorSetting,
  options: NumberedNameOptions = {},
): NameGenerator {
  if (typeof setting === "function") return setting;
  switch (setting) {
    case "uuid":
      return uuidNameGenerator;
    case "numbered":
      return numberedNameGenerator(options);
    case "friendly":
      return friendlyNameGenerator();
    default:
      throw new InvalidConfigError(
        "nameGenerator",
        `expected "uuid", "numbered", "friendly" or a function, got ${JSON.stringify(setting) ?? String(setting)}.`,
      );
  }
}
