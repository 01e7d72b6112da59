import { defineConfig } from "tsdown";

export default defineConfig({
  entry: [
    "src/index.ts",
    "src/forms.ts",
    "src/templates.ts",
    "src/admin.ts",
    "src/http/decorators.ts",
    "src/sqlite.ts",
    "src/postgres.ts",
    "src/mysql.ts",
    "src/cli/main.ts",
    "src/adapters/express/index.ts",
    "src/adapters/hono/index.ts",
    "src/adapters/fastify/index.ts",
    "src/adapters/next/index.ts",
    "src/adapters/sveltekit/index.ts",
    "src/adapters/nuxt/index.ts",
    "src/adapters/nuxt/module.ts",
    "src/adapters/nuxt/app.ts",
    "src/limits/redis.ts",
    "src/http/oauth/index.ts",
  ],
  format: "esm",
  platform: "node",
  target: "node20",
  dts: true,
  unbundle: true,
  fixedExtension: false,
  clean: true,
  // Nuxt's auto-imports, resolved by the app's Nuxt build (guest-user/nuxt/app only).
  external: ["#imports"],
  // The common-password list's MIT notice ships beside the code that embeds the list.
  copy: [
    { from: "src/core/model/forms/common-passwords.LICENSE.txt", to: "dist/core/model/forms" },
  ],
});
