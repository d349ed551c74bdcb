// Bundles the server's entries (the package's "." and "./one-shot") into dist/bundle: one file
// and a few shared chunks instead of ~130 ES modules, which a one-shot `fishaudio tts --local`
// otherwise spends ~0.1 s of CPU resolving, reading and linking before its request. The tsc
// build beside it stays: its types, the fishaudio-local command, and the helper scripts (worker
// threads and child processes start from their own files, see engines/workers/script-url.ts).
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const src = fileURLToPath(new URL("../src/", import.meta.url));
const out = fileURLToPath(new URL("../dist/bundle/", import.meta.url));

await rm(out, { recursive: true, force: true });
await build({
  entryPoints: [`${src}index.ts`, `${src}one-shot.ts`],
  outdir: out,
  bundle: true,
  // One copy of shared modules for both entries: one-shot's early flite thread is adopted by
  // the engine the server makes, through module state they share.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  keepNames: true,
  sourcemap: true,
  logLevel: "warning",
});
