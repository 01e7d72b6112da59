import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// Nothing for guest-user here: Vite's SSR build takes it as it is.
export default defineConfig({ plugins: [sveltekit()] });
