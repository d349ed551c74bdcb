// Bundles the console page (src/console/web, TypeScript + Preact) into dist/console/public, so
// users get a ready page with no build step and no network access.
import { copyFile, mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const web = fileURLToPath(new URL("../src/console/web/", import.meta.url));
const out = fileURLToPath(new URL("../dist/console/public/", import.meta.url));

await mkdir(out, { recursive: true });
await build({
  entryPoints: [`${web}main.tsx`],
  outfile: `${out}app.js`,
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: ["chrome111", "firefox115", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  tsconfig: `${web}tsconfig.json`,
  legalComments: "none",
  logLevel: "warning",
});
await copyFile(`${web}index.html`, `${out}index.html`);
await copyFile(`${web}app.css`, `${out}app.css`);
