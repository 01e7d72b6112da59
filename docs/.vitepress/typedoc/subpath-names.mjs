/**
 * A TypeDoc plugin: names each entry point's module after the import specifier a user writes
 * (`guest-user/express`) instead of its path under src/ (`adapters/express`).
 */
import { Converter, ReflectionKind } from "typedoc";
import { subpathEntryPoints } from "./entry-points.mjs";

/** @param {import("typedoc").Application} app */
export function load(app) {
  const names = new Map(subpathEntryPoints().map(({ name, file }) => [file, name]));
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context
      .getSymbolFromReflection(reflection)
      ?.declarations?.[0]?.getSourceFile().fileName;
    const name = file === undefined ? undefined : names.get(file);
    if (name !== undefined) reflection.name = name;
  });
}
