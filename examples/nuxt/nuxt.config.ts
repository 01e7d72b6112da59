// No special config for guest-user: the module only auto-imports `useGuestUser()` in pages.
export default defineNuxtConfig({
  compatibilityDate: "2025-07-15",
  modules: ["guest-user/nuxt/module"],
  app: { head: { title: "Notes" } },
});
