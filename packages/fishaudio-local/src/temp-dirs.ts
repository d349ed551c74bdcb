import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Prefixes of the temporary directories a server makes (its data when none is given, flite's scratch). */
export const TEMP_DIR_PREFIXES = ["fishaudio-local-", "fishaudio-flite-"] as const;

/**
 * A fresh temporary directory named after this process (`<prefix><pid>-XXXXXX`), so that a later
 * start can tell when its owner was killed before it could remove it.
 * @example const dir = ownedTempDir("fishaudio-flite-");
 */
export function ownedTempDir(prefix: (typeof TEMP_DIR_PREFIXES)[number]): string {
  return mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Removes the temporary directories left by servers that are gone (a SIGKILL leaves them
 * behind): only `<prefix><pid>-…` ones whose process no longer runs; a running server's, and
 * any directory whose owner cannot be told, stay. Returns the paths removed.
 * @example removeStaleTempDirs();
 */
export function removeStaleTempDirs(): string[] {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const prefix = TEMP_DIR_PREFIXES.find((p) => name.startsWith(p));
    const pid = prefix && /^(\d+)-[^-]+$/.exec(name.slice(prefix.length))?.[1];
    if (!pid || Number(pid) === process.pid || running(Number(pid))) continue;
    const path = join(tmpdir(), name);
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // Someone else's (another user's /tmp entry): not ours to remove.
    }
  }
  return removed;
}
