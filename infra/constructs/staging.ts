/** Staged layer folders: built beside their final name, then renamed into place in one step. */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Marks `building` complete and renames it to `target`. When another synth (parallel tests) staged the
 * same content first, theirs is kept: a `.complete` folder is never half-written.
 */
export function publishStagedFolder(building: string, target: string, marker: string): string {
  writeFileSync(join(building, '.complete'), marker);
  rmSync(target, { recursive: true, force: true });
  try {
    renameSync(building, target);
  } catch (err) {
    if (!existsSync(join(target, '.complete'))) throw err;
    rmSync(building, { recursive: true, force: true });
  }
  return target;
}
