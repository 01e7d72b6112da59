#!/usr/bin/env node
/**
 * The `guest-user` executable: `guest-user <migrate|delete-expired|stats> [options]`.
 * Run `guest-user --help` for the options.
 *
 * @example
 * ```sh
 * DATABASE_URL=postgres://localhost/app npx guest-user delete-expired --dry-run
 * ```
 * @module
 */
import process from "node:process";
import { run } from "./run.ts";

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
