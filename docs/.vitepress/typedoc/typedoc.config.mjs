/**
 * TypeDoc for the docs site: `npm run docs:api` writes Markdown pages and a VitePress sidebar
 * (typedoc-plugin-markdown + typedoc-vitepress-theme) to docs/api/ (git-ignored).
 */
import { resolve } from "node:path";
import { ROOT, subpathEntryPoints } from "./entry-points.mjs";

/** @type {Partial<import("typedoc").TypeDocOptions & import("typedoc-plugin-markdown").PluginOptions & { docsRoot: string; sidebar: object }>} */
export default {
  name: "guest-user API",
  entryPoints: subpathEntryPoints().map(({ file }) => file),
  tsconfig: resolve(import.meta.dirname, "tsconfig.json"),
  out: resolve(ROOT, "docs/api"),
  basePath: ROOT,
  docsRoot: resolve(ROOT, "docs"),
  plugin: [
    "typedoc-plugin-markdown",
    "typedoc-vitepress-theme",
    resolve(import.meta.dirname, "subpath-names.mjs"),
  ],
  readme: "none",
  excludePrivate: true,
  excludeInternal: true,
  sort: ["kind", "alphabetical"],
  hidePageHeader: true,
  entryFileName: "index",
  sidebar: { autoConfiguration: true, format: "vitepress", pretty: true, collapsed: true },
  sourceLinkTemplate: "https://github.com/guest-user/guest-user/blob/main/{path}#L{line}",
  disableGit: true,
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  logLevel: "Warn",
  // A {@link} to a name the reference does not show is dead text on its page: fail the build.
  treatWarningsAsErrors: true,
};
