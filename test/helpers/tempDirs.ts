/**
 * Temp dirs that are removed when the process that made them exits: a full test or bench run
 * makes thousands of data dirs (GBs), and a day of runs had filled the disk. Used by the tests'
 * helpers and the bench; nothing else here, so either can import it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];
let hooked = false;

export function removedAtExit(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const d of made) {
        try {
          fs.rmSync(d, { recursive: true, force: true });
        } catch {
          /* a child still writing into it: left for the OS's temp cleaning */
        }
      }
    });
  }
  return dir;
}
