// The import rules of src/, checked by `npm run check:imports` (CI, right after the type check)
// and by test/architecture/imports.test.ts. Type-only imports count: a circle of types still
// means no file in it can be read or moved alone.
//
// Data flows one way: adapters -> http -> core -> store, with src/shared below them all.

/** Framework and driver packages: only the adapters, the store's dialects and the caches use them. */
const PACKAGES =
  "(express|hono|fastify|next|@sveltejs/kit|svelte|nuxt|h3|nitropack|pg|mysql2|better-sqlite3|ioredis)";
/** Resolved (in any node_modules, @types included) or not installed (the bare package name). */
const FRAMEWORKS_AND_DRIVERS = [`(^|/)node_modules/(@types/)?${PACKAGES}/`, `^${PACKAGES}(/|$)`];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "An import circle (type-only ones included): break it by moving the shared piece down.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "shared-is-the-ground-floor",
      severity: "error",
      comment: "src/shared sits below everything: it imports nothing else of src/.",
      from: { path: "^src/shared/" },
      to: { path: "^src/", pathNot: "^src/shared/" },
    },
    {
      name: "core-stays-framework-free",
      severity: "error",
      comment: "src/core never reaches up into the web layer, the adapters or the CLI.",
      from: { path: "^src/core/" },
      to: { path: "^src/(http|adapters|cli)/" },
    },
    {
      name: "core-imports-no-framework-or-driver",
      severity: "error",
      comment: "src/core speaks Kysely through src/store: no framework or database driver package.",
      from: { path: "^src/core/" },
      to: { path: FRAMEWORKS_AND_DRIVERS },
    },
    {
      name: "store-stays-below-core",
      severity: "error",
      comment: "src/store is below the core: it never imports core, http or the adapters.",
      from: { path: "^src/store/" },
      to: { path: "^src/(core|http|adapters)/" },
    },
    {
      name: "http-stays-below-adapters",
      severity: "error",
      comment: "src/http is framework-free: it never imports the adapters or the CLI.",
      from: { path: "^src/http/" },
      to: { path: "^src/(adapters|cli)/" },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.d\\.ts$" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
  },
};
