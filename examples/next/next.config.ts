import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const here = dirname(fileURLToPath(import.meta.url));

const config: NextConfig = {
  // The library's views live at /convert/, /accounts/login/...: keep the slash.
  trailingSlash: true,
  // better-sqlite3 is a native module: loaded by Node, not bundled.
  serverExternalPackages: ["better-sqlite3"],
  // Only for this repository: `guest-user` is linked from ../.. (`file:../..`), outside this
  // folder, and Turbopack reads nothing above its root. An app installing it from npm drops this.
  turbopack: { root: join(here, "../..") },
  outputFileTracingRoot: join(here, "../.."),
};

export default config;
