import type { BuildOptions, Metafile } from "esbuild"

export declare const workerBundleOptions: BuildOptions & { readonly metafile: true }
export declare const nodeImports: (metafile: Metafile) => Array<string>
