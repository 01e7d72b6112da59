/**
 * The few functions of Nuxt's `#imports` that `useGuestUser()` uses, declared structurally:
 * the repository does not install nuxt, and the library never imports its types. In an app,
 * Nuxt resolves `#imports` itself (the module makes Nuxt transpile this package).
 */
declare module "#imports" {
  export function useState<T>(key: string, init?: () => T): { value: T };
  export function useRequestEvent(): { readonly context: Record<string, unknown> } | undefined;
  export function useRequestFetch(): <T>(
    url: string,
    options?: { method?: string; body?: Record<string, unknown>; headers?: Record<string, string> },
  ) => Promise<T>;
  export function useRuntimeConfig(): { readonly public: Record<string, unknown> };
  export function computed<T>(get: () => T): { readonly value: T };
}
