import { parseArgs } from "node:util";
import { closest } from "../shared/closest.ts";
import {
  COMMANDS,
  type CommandName,
  type CommandSpec,
  isCommand,
  OPTIONS,
  type OptionName,
} from "./spec.ts";

/** A mistake on the command line: reported in one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The checked options of a command. */
export interface CommandOptions {
  /** `--config`: the config module, relative to the working directory. */
  readonly config?: string;
  /** `--database` (the config's, then `DATABASE_URL`, apply when absent: see `options.ts`). */
  readonly database?: string;
  readonly tablePrefix?: string;
  readonly maxAge?: number;
  readonly batchSize?: number;
  readonly dryRun: boolean;
  readonly json: boolean;
  /** The action of a command that takes one (`staff grant ada`: `"grant"`). */
  readonly action?: string;
  /** The argument after the action (`staff grant ada`: `"ada"`). */
  readonly operand?: string;
}

/** What the command line asks for. */
export type Invocation =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "missing-command" }
  | { readonly kind: "command"; readonly command: CommandName; readonly options: CommandOptions };

/** How `--max-age` (seconds, fractions allowed) and `--batch-size` (a count) are checked. */
const NUMBERS = {
  "--max-age": {
    pattern: /^(?:\d+(?:\.\d*)?|\.\d+)$/,
    check: Number.isFinite,
    what: "a positive number of seconds",
  },
  "--batch-size": { pattern: /^\d+$/, check: Number.isSafeInteger, what: "a positive integer" },
};

function positive(flag: keyof typeof NUMBERS, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const { pattern, check, what } = NUMBERS[flag];
  const value = Number(text);
  if (!pattern.test(text.trim()) || !check(value) || value <= 0) {
    throw new UsageError(`${flag} expects ${what}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Rewords parseArgs' multi-line errors as one line naming the flag. */
function parseError(error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "an option";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`unknown option ${flag}`);
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (/does not take an argument/.test(message))
      return new UsageError(`${flag} does not take a value`);
    if (/ambiguous/.test(message)) {
      return new UsageError(`${flag} needs a value (write ${flag}=VALUE for one starting with -)`);
    }
    return new UsageError(`${flag} needs a value`);
  }
  return new UsageError(message.split("\n")[0] ?? message);
}

/** ` (did you mean "x"?)` when one of `candidates` is close to `input`, else "". */
function didYouMean(input: string, candidates: readonly string[]): string {
  const guess = closest(input, candidates);
  return guess === null ? "" : ` (did you mean "${guess}"?)`;
}

/** The action and operand of a command that takes them; none for the others. */
function commandArguments(
  name: CommandName,
  extra: readonly string[],
): { action?: string; operand?: string } {
  const spec: CommandSpec = COMMANDS[name];
  const { actions, operand: what = "VALUE" } = spec;
  if (!actions) {
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    return {};
  }
  const form = `guest-user ${name} ${actions.join("|")} ${what}`;
  const [action, operand, ...rest] = extra;
  if (action === undefined) throw new UsageError(`${name} needs an action: ${form}`);
  if (!actions.includes(action)) {
    throw new UsageError(
      `unknown ${name} action ${JSON.stringify(action)}${didYouMean(action, actions)}: ${form}`,
    );
  }
  if (operand === undefined || operand.trim() === "")
    throw new UsageError(`${name} ${action} needs a ${what}: ${form}`);
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  return { action, operand };
}

function tokenize(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw parseError(error);
  }
}

/**
 * Parses and checks the command line (without the `node` and script arguments). Throws
 * {@link UsageError} for an unknown command or option, an option the command does not take,
 * or a bad value.
 *
 * @example
 * ```ts
 * parseCommandLine(["stats", "--json"]);
 * // { kind: "command", command: "stats", options: { json: true, dryRun: false, ... } }
 * ```
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const { values, positionals } = tokenize(argv);
  if (values.help || positionals[0] === "help") return { kind: "help" };
  if (values.version) return { kind: "version" };
  const [name, ...extra] = positionals;
  if (name === undefined) return { kind: "missing-command" };
  if (!isCommand(name)) {
    const names = Object.keys(COMMANDS);
    throw new UsageError(
      `unknown command ${JSON.stringify(name)}${didYouMean(name, names)} (commands: ${names.join(", ")})`,
    );
  }
  const positional = commandArguments(name, extra);
  const accepted: readonly OptionName[] = COMMANDS[name].options;
  for (const option of Object.keys(values) as OptionName[]) {
    if (!accepted.includes(option)) throw new UsageError(`${name} does not take --${option}`);
  }
  if (values.config?.trim() === "") throw new UsageError("--config needs a value");
  return {
    kind: "command",
    command: name,
    options: {
      config: values.config,
      database: values.database,
      tablePrefix: values["table-prefix"],
      maxAge: positive("--max-age", values["max-age"]),
      batchSize: positive("--batch-size", values["batch-size"]),
      dryRun: values["dry-run"] ?? false,
      json: values.json ?? false,
      ...positional,
    },
  };
}
