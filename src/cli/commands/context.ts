import type { DatabaseSource, GuestUsers } from "../../index.ts";
import type { CommandOptions } from "../args.ts";
import type { CliIo } from "../io.ts";

/** What a command runs with: an open GuestUsers (closed by the caller), its options, the io. */
export interface CommandContext {
  readonly guestUsers: GuestUsers;
  /** The database it was opened on (flag, config or `DATABASE_URL`); undefined: the default. */
  readonly database: DatabaseSource | undefined;
  readonly options: CommandOptions;
  readonly io: CliIo;
}

/** A command: resolves to the exit code; throws for failures (reported by the caller). */
export type Command = (context: CommandContext) => Promise<number>;
