import { readFileSync } from "node:fs";
import { COMMANDS, type CommandSpec, OPTION_HELP, type OptionName } from "./spec.ts";

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

function optionLabel(name: OptionName): string {
  const { value } = OPTION_HELP[name];
  const short = name === "help" ? "-h, " : "";
  return `${short}--${name}${value ? ` ${value}` : ""}`;
}

function commandsTaking(name: OptionName): string {
  const commands = Object.entries(COMMANDS)
    .filter(([, spec]) => (spec.options as readonly OptionName[]).includes(name))
    .map(([command]) => command);
  return commands.length === 0 || commands.length === Object.keys(COMMANDS).length
    ? ""
    : ` [${commands.join(", ")}]`;
}

/**
 * The help text: commands, then options (each with the commands that take it).
 * @example
 * ```ts
 * io.stdout.write(usage());
 * ```
 */
export function usage(): string {
  const commands = table(
    Object.entries(COMMANDS).map(([name, spec]: [string, CommandSpec]) => [
      spec.actions ? `${name} ${spec.actions.join("|")} ${spec.operand ?? "VALUE"}` : name,
      spec.summary,
    ]),
  );
  const options = table(
    (Object.keys(OPTION_HELP) as OptionName[]).map((name) => [
      optionLabel(name),
      `${OPTION_HELP[name].text}${commandsTaking(name)}`,
    ]),
  );
  return [
    "Usage: guest-user <command> [options]",
    "",
    "Commands:",
    ...commands,
    "",
    "Options:",
    ...options,
    "",
    "Configuration:",
    "  The app's createGuestUsers options (expireBy, maxAge, retention, users, database...)",
    "  come from --config FILE, else from guest-user.config.ts, .js or .mjs in the working",
    "  directory (its default export: the options, or a function returning them; .ts needs",
    "  jiti). Flags override them.",
    "",
    "Examples:",
    "  guest-user delete-expired --config ./src/guest-user.config.mjs",
    "  guest-user migrate --database postgres://localhost/app",
    "  DATABASE_URL=mysql://localhost/app guest-user delete-expired --dry-run",
    "  guest-user stats --max-age 86400 --json",
    "  guest-user staff grant ada --config ./src/guest-user.config.mjs",
    "",
  ].join("\n");
}

/**
 * The package's version, read from its package.json (two levels up from both
 * `src/cli/` and `dist/cli/`).
 * @example
 * ```ts
 * version(); // "0.1.0"
 * ```
 */
export function version(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === "string" ? version : "unknown";
}
