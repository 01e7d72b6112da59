// No special config for guest-user: the module auto-imports `useGuestUser()` in pages and
// traces the installed driver, so `.output/` runs alone.
export default defineNuxtConfig({
  compatibilityDate: "2025-07-15",
  modules: ["guest-user/nuxt/module"],
  app: { head: { title: "Notes" } },
});
