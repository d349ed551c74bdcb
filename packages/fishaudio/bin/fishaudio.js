#!/usr/bin/env node
// npm links a bin only if its file exists at install time, which is before `prepare` builds
// dist/. This committed stub makes `npx fishaudio` resolve locally on a fresh clone.
// early.js first: what a `tts --local` will need starts while main.js loads (see early.ts).
import("../dist/cli/early.js").then((m) => m.startEarly(process.argv.slice(2))).catch(() => {});
import("../dist/cli/main.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli")) {
    console.error("fishaudio: the CLI is not built yet; run `npm run build` first.");
    process.exit(1);
  }
  throw error;
});
