import { defineConfig } from "tsup";

// Two builds: the library (ESM + CJS with types, both entries free of Node built-ins in the
// main one) and the CLI (ESM only, executable, never imported by library users).
export default defineConfig([
  {
    entry: { index: "src/index.ts", "node/index": "src/node/index.ts" },
    format: ["esm", "cjs"],
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    // Shared chunks, so that fishaudio/node and the main entry share one copy of the error
    // classes (instanceof FishAudioError must hold across entries, in CJS too).
    splitting: true,
    // Rollup, not sucrase, turns the split ESM chunks into CJS: sucrase also rewrote optional
    // chaining and class fields into helper calls and renamed classes (`_class5`).
    treeshake: true,
    // Public classes keep their names (`AuthenticationError.name`, stack traces, trackers).
    keepNames: true,
    // Keep the node: prefix: Deno and bundlers need it to recognise built-ins.
    removeNodeProtocol: false,
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "neutral",
    external: ["ws", "fishaudio-local", /^node:/],
  },
  {
    entry: { "cli/main": "src/cli/main.ts", "cli/early": "src/cli/early.ts" },
    format: ["esm"],
    // Each file whole: main.js is copied alone in a test, and early.js must stay tiny.
    splitting: false,
    sourcemap: true,
    clean: false,
    target: "node20",
    platform: "node",
    removeNodeProtocol: false,
    banner: { js: "#!/usr/bin/env node" },
    external: ["ws", "fishaudio-local"],
  },
]);
