/**
 * The API reference's entry points: one per subpath of package.json "exports", documented from
 * the source file that tsconfig.json's `paths` map that subpath to (the file tsdown builds it
 * from), so the reference shows the JSDoc, defaults and examples as written and links each
 * declaration to its source, and needs no build first.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import ts from "typescript";

export const ROOT = resolve(import.meta.dirname, "../../..");

/** `{ name: "guest-user/express", file: "/abs/src/adapters/express/index.ts" }`, in exports order. */
export function subpathEntryPoints() {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8"));
  const { config, error } = ts.readConfigFile(resolve(ROOT, "tsconfig.json"), ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const paths = config.compilerOptions?.paths ?? {};
  return Object.keys(pkg.exports)
    .filter((subpath) => !subpath.endsWith(".json"))
    .map((subpath) => {
      const name = subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
      const [target] = paths[name] ?? [];
      if (!target) {
        throw new Error(
          `package.json exports "${subpath}" but tsconfig.json has no "paths" entry for "${name}": add one (the API reference documents that source file)`,
        );
      }
      return { name, file: resolve(ROOT, target) };
    });
}
