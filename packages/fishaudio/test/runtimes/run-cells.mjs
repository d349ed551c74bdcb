// Runs the cells with `import "fishaudio"` (ESM) and prints the results as one JSON line.
// Node, Bun and Deno run this file; the configuration is the first argument (JSON), so that
// Deno needs no --allow-env.
import * as sdk from "fishaudio";
import { runCells } from "./cells.mjs";

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const results = await runCells(sdk, JSON.parse(args[0]));
console.log(JSON.stringify(results));
