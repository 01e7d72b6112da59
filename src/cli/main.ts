#!/usr/bin/env node
/**
 * The `guest-user` executable: `guest-user <migrate|delete-expired|stats|staff> [options]`.
 * Run `guest-user --help` for the options. The app's options are read from `--config` or a
 * `guest-user.config.{ts,js,mjs}` in the working directory.
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
  cwd: process.cwd(),
});
// The work is done and the database closed. Anything a config module left open (a Redis
// client, the app's own pool) must not keep a cron job running: exit a moment later.
setTimeout(() => process.exit(), 1000).unref();
