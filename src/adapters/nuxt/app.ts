import { computed, useRequestEvent, useRequestFetch, useRuntimeConfig, useState } from "#imports";
import type { User } from "../../core/model/types.ts";
import { CURRENT_USER_KEY, type NuxtCurrentUser } from "./current-user.ts";
import { type GuestUserModuleOptions, MODULE_DEFAULTS } from "./module-options.ts";

export type { NuxtCurrentUser } from "./current-user.ts";

/** A Vue ref, as far as this composable's types say (at run time, Vue's own refs). */
export interface RefLike<T> {
  /** The current value (templates unwrap it). */
  value: T;
}

/** What `useGuestUser()` gives a page or component. */
export interface GuestUserComposable {
  /** Who is asking: rendered on the server, hydrated in the browser. */
  readonly state: RefLike<NuxtCurrentUser>;
  /** The current user, or null for an anonymous visitor. */
  readonly user: { readonly value: User | null };
  /** True when the current user is a guest. */
  readonly isGuest: { readonly value: boolean };
  /**
   * Reads who is asking again (the middleware's session JSON), e.g. after a write made the
   * visitor a guest.
   * @example
   * ```ts
   * await $fetch("/api/notes", { method: "POST", body: { text } });
   * await refresh();
   * ```
   */
  refresh(): Promise<void>;
  /** Logs out (a JSON POST to the built-in logout view), then refreshes. */
  logOut(): Promise<void>;
}

const ANONYMOUS: NuxtCurrentUser = {
  user: null,
  isGuest: false,
  expiresAt: null,
  canBecomeGuest: false,
};

/**
 * The current user for pages and components (auto-imported by the module
 * `guest-user/nuxt/module`): on the server, what the middleware resolved for this request (no
 * second lookup, no guest made); in the browser, the same state, hydrated.
 *
 * @example
 * ```vue
 * <script setup lang="ts">
 * const { user, isGuest, refresh } = useGuestUser();
 * </script>
 * <template><p v-if="user">{{ isGuest ? "Guest" : "Signed in as" }} {{ user.username }}</p></template>
 * ```
 */
export function useGuestUser(): GuestUserComposable {
  const event = useRequestEvent();
  const fetcher = useRequestFetch();
  // The module's options, as it put them in the public runtime config (read now: Nuxt's
  // composables work only while setup runs, not after an await).
  const given = useRuntimeConfig().public.guestUser as GuestUserModuleOptions | undefined;
  const paths: Required<GuestUserModuleOptions> = { ...MODULE_DEFAULTS, ...given };
  let fresh = false;
  const state = useState<NuxtCurrentUser>("guest-user", () => {
    const current = event?.context[CURRENT_USER_KEY];
    if (typeof current === "function") return (current as () => NuxtCurrentUser)();
    fresh = event === undefined; // rendered in the browser only: ask the server
    return ANONYMOUS;
  });
  const refresh = async () => {
    state.value = await fetcher<NuxtCurrentUser>(paths.sessionPath, {
      headers: { accept: "application/json" },
    });
  };
  if (fresh) void refresh().catch(() => undefined);
  return {
    state,
    user: computed(() => state.value.user),
    isGuest: computed(() => state.value.isGuest),
    refresh,
    async logOut() {
      await fetcher(paths.logoutPath, { method: "POST", body: {} });
      await refresh();
    },
  };
}
