import { type GuestUserModuleOptions, MODULE_DEFAULTS } from "./module-options.ts";
import { installedPeers, type NitroConfigLike, traceInclude } from "./trace-peers.ts";

export type { GuestUserModuleOptions } from "./module-options.ts";
export type { NitroConfigLike } from "./trace-peers.ts";

/** What the module uses of Nuxt's build-time instance (a plain function module: no @nuxt/kit). */
export interface NuxtLike {
  readonly options: {
    /** The app's folder: the database drivers are looked up from here. */
    readonly rootDir: string;
    readonly runtimeConfig: { public: Record<string, unknown> };
  };
  hook(
    name: "imports:extend",
    listener: (imports: { name: string; from: string }[]) => void,
  ): unknown;
  hook(name: "nitro:config", listener: (config: NitroConfigLike) => void): unknown;
}

/**
 * The Nuxt module: auto-imports `useGuestUser()` in pages and components, and makes
 * `.output/` self-contained. Nuxt transpiles the package of a module it installs, which the
 * composable needs (it imports Nuxt's `#imports`). The library loads its database driver
 * (better-sqlite3, pg or mysql2) and the sign-in providers' libraries (arctic, openid-client)
 * with an `import()` no bundler follows, so the module adds those the app installed to Nitro's
 * dependency trace: `nuxt build` copies them to `.output/server/node_modules`, and
 * `node .output/server/index.mjs` runs with no node_modules beside it (a Docker image of
 * `.output/` alone). A package the app did not install is skipped.
 * The server side needs no module: `guest-user/nuxt` in `server/`.
 *
 * @example
 * ```ts
 * // nuxt.config.ts
 * export default defineNuxtConfig({ modules: ["guest-user/nuxt/module"] });
 * ```
 */
export default function guestUserModule(options: GuestUserModuleOptions, nuxt: NuxtLike): void {
  nuxt.options.runtimeConfig.public.guestUser = { ...MODULE_DEFAULTS, ...options };
  nuxt.hook("imports:extend", (imports) => {
    imports.push({ name: "useGuestUser", from: "guest-user/nuxt/app" });
  });
  const peers = installedPeers(nuxt.options.rootDir);
  nuxt.hook("nitro:config", (config) => traceInclude(config, peers));
}
