/**
 * Building and starting the Next.js example (examples/next) as its README says: `next build`,
 * then `next start` (production, not dev) on a free port and a fresh SQLite file.
 */
import { installExample } from "../../scripts/packed.ts";
import { build, type RunningExample, startExample as start } from "../support/example-app.ts";

export type { RunningExample } from "../support/example-app.ts";

/** The bundlers `next build` offers: Turbopack (the default) and webpack (`--webpack`). */
export type NextBundler = "turbopack" | "webpack";

const NEXT = "node_modules/next/dist/bin/next";

/**
 * Installs examples/next as a user would (a copy outside the repository, its own lock file and
 * the packed tarball: only better-sqlite3, no pg or mysql2) and runs `next build` with
 * `bundler`; throws with its output when it fails. Returns the example's folder.
 */
export async function buildExample(bundler: NextBundler): Promise<string> {
  const dir = await installExample("next");
  await build(
    dir,
    NEXT,
    bundler === "webpack" ? ["build", "--webpack"] : ["build"],
    `next build (${bundler})`,
  );
  return dir;
}

/** Starts the example built in `dir` (`next start`) on a free port with the SQLite file `databaseFile`. */
export function startExample(dir: string, databaseFile: string): Promise<RunningExample> {
  return start({
    dir,
    script: NEXT,
    args: (port) => ["start", "-p", String(port), "-H", "127.0.0.1"],
    databaseFile,
    name: "next start",
  });
}
