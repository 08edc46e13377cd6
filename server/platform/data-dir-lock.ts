/**
 * One process per PGlite data directory: two would write one database's files at once and corrupt
 * it. The server and every tool that opens the directory (the import CLI) take this lock first.
 *
 * The lock is `DATA_DIR/cityops.pid`, created atomically (O_EXCL), holding the owner's pid. A file
 * left by a process that died (kill -9, power loss) is stale when no process has that pid — or
 * when it is our own pid (a container restarted as pid 1 again) — and is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'cityops.pid';

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else — still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock or throws naming the process that holds it; returns the release. */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeSync(fd, String(process.pid));
      } finally {
        fs.closeSync(fd);
      }
      return () => {
        // Only our own lock: never remove one another process took over meanwhile.
        try {
          if (Number(fs.readFileSync(file, 'utf8').trim()) === process.pid) fs.rmSync(file, { force: true });
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = Number.NaN;
      try {
        pid = Number(fs.readFileSync(file, 'utf8').trim());
      } catch {
        continue; // removed between our open and our read: try again
      }
      if (isAlive(pid)) {
        throw new Error(
          `DATA_DIR ${dataDir} is in use by process ${pid}; stop it first or use another DATA_DIR`,
        );
      }
      fs.rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`DATA_DIR ${dataDir}: could not take the lock ${file}`);
}
