// How a program is bundled as a Cloudflare Worker (wrangler's choices: ESM, the `workerd`, `worker`
// and `browser` export conditions, no Node platform). Node built-ins (`node:*`) are left external so
// that an import of one shows up in the metafile instead of failing the build. Shared by
// bench/edge.ts (the bundle figures) and scripts/test-runtimes.mjs (the Workers run in workerd).

/** esbuild options; add `entryPoints` and `outfile` or `write: false`. */
export const workerBundleOptions = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  conditions: ["workerd", "worker", "browser"],
  external: ["node:*"],
  metafile: true,
  logLevel: "silent"
}

/** The `node:` modules a bundle imports, from its metafile. */
export const nodeImports = (metafile) =>
  [
    ...new Set(
      Object.values(metafile.inputs)
        .flatMap((input) => input.imports)
        .filter((imported) => imported.path.startsWith("node:"))
        .map((imported) => imported.path)
    )
  ].sort()
