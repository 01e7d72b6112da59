import type { GuestUsers } from "../../index.ts";
import type { CommandOptions } from "../args.ts";
import type { CliIo } from "../io.ts";

/** What a command runs with: an open GuestUsers (closed by the caller), its options, the io. */
export interface CommandContext {
  readonly guestUsers: GuestUsers;
  readonly options: CommandOptions;
  readonly io: CliIo;
}

/** A command: resolves to the exit code; throws for failures (reported by the caller). */
export type Command = (context: CommandContext) => Promise<number>;
