import { type GuestUserModuleOptions, MODULE_DEFAULTS } from "./module-options.ts";

export type { GuestUserModuleOptions } from "./module-options.ts";

/** What the module uses of Nuxt's build-time instance (a plain function module: no @nuxt/kit). */
export interface NuxtLike {
  readonly options: { readonly runtimeConfig: { public: Record<string, unknown> } };
  hook(
    name: "imports:extend",
    listener: (imports: { name: string; from: string }[]) => void,
  ): unknown;
}

/**
 * The Nuxt module: auto-imports `useGuestUser()` in pages and components. Nuxt transpiles the
 * package of a module it installs, which the composable needs (it imports Nuxt's `#imports`).
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
}
