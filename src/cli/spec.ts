import { TWO_WEEKS } from "../core/config/options.ts";

/**
 * Every option the CLI knows, in `node:util` parseArgs form. Which command accepts which is
 * in {@link COMMANDS}; values are checked in `args.ts`.
 */
export const OPTIONS = {
  config: { type: "string" },
  database: { type: "string" },
  "table-prefix": { type: "string" },
  "max-age": { type: "string" },
  "batch-size": { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** The name of an option, without its dashes. */
export type OptionName = keyof typeof OPTIONS;

/** How an option appears in the usage text. */
export const OPTION_HELP: Readonly<Record<OptionName, { value?: string; text: string }>> = {
  config: {
    value: "FILE",
    text: "the app's createGuestUsers options (default: guest-user.config.{ts,js,mjs})",
  },
  database: {
    value: "URL",
    text: "database URL (default: the config's, $DATABASE_URL, sqlite:guest-user.sqlite3)",
  },
  "table-prefix": {
    value: "PREFIX",
    text: "prefix of the library's tables (default: the config's, guest_user_)",
  },
  "max-age": {
    value: "SECONDS",
    text: `age after which a guest is expired (default: the config's, ${TWO_WEEKS} = 14 days; the config's retention.keepIf guests keep their maxAgeIfKept)`,
  },
  "batch-size": {
    value: "N",
    text: "users deleted per statement (default: 5000 on PostgreSQL, 1000 on MySQL, time-budgeted on SQLite)",
  },
  "dry-run": { text: "count the expired guests, delete nothing" },
  json: {
    text: 'print JSON: {"guests":N,"expired":M,"kept":K,"funnel":{"days":[...],"totals":{...}}}',
  },
  help: { text: "show this help" },
  version: { text: "print the version" },
};

/** The options every command takes. */
const CONNECTION: readonly OptionName[] = ["config", "database", "table-prefix"];

/**
 * The commands, with a one-line summary and the options each accepts. A command with
 * `actions` takes one of them and then one `operand` (`staff grant ada`); the others take
 * no argument.
 */
export const COMMANDS = {
  migrate: {
    summary: "create or update the library's tables",
    options: CONNECTION,
  },
  "delete-expired": {
    summary: "delete expired guests (their users, sessions and cascading rows)",
    options: [...CONNECTION, "max-age", "batch-size", "dry-run"],
  },
  stats: {
    summary: "count guests and expired guests; the conversion funnel of the last 30 days",
    options: [...CONNECTION, "max-age", "json"],
  },
  staff: {
    summary: "give a registered user the staff flag (the guest admin), or take it away",
    options: CONNECTION,
    actions: ["grant", "revoke"],
    operand: "USERNAME",
  },
} as const satisfies Record<string, CommandSpec>;

/** What {@link COMMANDS} says of one command. */
export interface CommandSpec {
  readonly summary: string;
  readonly options: readonly OptionName[];
  /** The actions it takes as its first argument (`grant`, `revoke`). @default none */
  readonly actions?: readonly string[];
  /** The name of the argument after the action, as the usage shows it. @default none */
  readonly operand?: string;
}

/** A command's name. */
export type CommandName = keyof typeof COMMANDS;

/**
 * True for a known command name.
 * @example
 * ```ts
 * isCommand("stats"); // true
 * ```
 */
export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}
