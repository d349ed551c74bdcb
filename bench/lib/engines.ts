/**
 * Loads the local server's engines (an internal module of fishaudio-local, not its public API)
 * from the workspace sources.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Engines } from "../../packages/fishaudio-local/src/engines/types.js";
import { repoDir } from "./child.js";

export type { Engines, PcmChunk } from "../../packages/fishaudio-local/src/engines/types.js";

const enginesDir = path.join(repoDir, "packages/fishaudio-local/src/engines");

/** Finds the module under src/engines that exports `createEngines` and calls it. */
export async function loadEngines(): Promise<Engines> {
  const candidates = ["index.ts", "engines.ts", "create.ts", "create-engines.ts"];
  const files = [
    ...candidates,
    ...fs.readdirSync(enginesDir).filter((f) => f.endsWith(".ts") && !candidates.includes(f)),
  ];
  for (const file of files) {
    const full = path.join(enginesDir, file);
    if (!fs.existsSync(full)) continue;
    const source = fs.readFileSync(full, "utf8");
    if (
      !/export\s+(async\s+)?function\s+createEngines|export\s*\{[^}]*createEngines/.test(source)
    ) {
      continue;
    }
    const mod = (await import(pathToFileURL(full).href)) as {
      createEngines: (options?: unknown) => Engines | Promise<Engines>;
    };
    return await mod.createEngines();
  }
  throw new Error(`no module in ${enginesDir} exports createEngines yet`);
}
