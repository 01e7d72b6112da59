import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type FieldErrors, InvalidConfigError, ValidationError } from "../../../shared/errors.ts";

/**
 * What {@link validateInput} yields: the validated value, or the messages per field.
 *
 * @example
 * ```ts
 * const result: ValidationResult<{ email: string }> = { ok: false, fieldErrors: { email: ["Invalid email"] } };
 * ```
 */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly fieldErrors: FieldErrors };

/** The field an issue belongs to: its path's first key, or `""` for the whole form. */
function fieldOf(issue: StandardSchemaV1.Issue): string {
  const first = issue.path?.[0];
  if (first === undefined) return "";
  return String(typeof first === "object" && first !== null ? first.key : first);
}

/**
 * Groups Standard Schema issues by field: the first key of each issue's path (a property
 * key or a `{ key }` segment) names the field; an issue without a path goes under `""`.
 * Messages keep their order.
 *
 * @example
 * ```ts
 * issuesToFieldErrors([{ message: "Too short", path: ["password", 0] }, { message: "Bad form" }]);
 * // { password: ["Too short"], "": ["Bad form"] }
 * ```
 */
export function issuesToFieldErrors(issues: readonly StandardSchemaV1.Issue[]): FieldErrors {
  const grouped = new Map<string, string[]>();
  for (const issue of issues) {
    const field = fieldOf(issue);
    grouped.set(field, [...(grouped.get(field) ?? []), issue.message]);
  }
  // fromEntries defines own properties, so even a field named "__proto__" is kept as data.
  return Object.fromEntries(grouped);
}

/**
 * Runs any Standard Schema v1 validator (zod, valibot, arktype, or the built-in
 * `userCreationForm().schema`) on raw input, awaiting it when it is asynchronous, and turns
 * its issues into field errors (`issuesToFieldErrors()`). Throws
 * {@link InvalidConfigError} when `schema` is not a Standard Schema v1 validator.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * const result = await validateInput(z.object({ email: z.email() }), { email: "nope" });
 * if (!result.ok) console.log(result.fieldErrors.email); // ["Invalid email address"]
 * ```
 */
export async function validateInput<T>(
  schema: StandardSchemaV1<unknown, T>,
  input: unknown,
): Promise<ValidationResult<T>> {
  // Any value may come in: null and undefined stop at `?.`, a primitive has no "~standard".
  const props = (schema as Partial<StandardSchemaV1<unknown, T>> | null)?.["~standard"];
  if (props?.version !== 1 || typeof props.validate !== "function") {
    throw new InvalidConfigError(
      "schema",
      'expected a Standard Schema v1 validator (an object with a "~standard" property, e.g. a zod or valibot schema).',
    );
  }
  const result = await props.validate(input);
  if (result.issues) return { ok: false, fieldErrors: issuesToFieldErrors(result.issues) };
  return { ok: true, value: result.value };
}

/**
 * Like {@link validateInput}, but returns the value itself and throws a
 * {@link ValidationError} (code `VALIDATION_FAILED`, with `fieldErrors`) when the input is
 * invalid.
 *
 * @example
 * ```ts
 * try {
 *   const data = await assertValid(userCreationForm().schema, await request.formData());
 * } catch (error) {
 *   if (error instanceof ValidationError) showErrors(error.fieldErrors);
 * }
 * ```
 */
export async function assertValid<T>(
  schema: StandardSchemaV1<unknown, T>,
  input: unknown,
): Promise<T> {
  const result = await validateInput(schema, input);
  if (!result.ok) throw new ValidationError(result.fieldErrors);
  return result.value;
}
