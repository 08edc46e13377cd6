import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the data directory lock', () => {
  it('is taken once: a second taker is refused while the holder lives, and release frees it', () => {
    const dir = tmp();
    const release = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    // The file of a live process (our parent here) refuses, naming it.
    fs.writeFileSync(path.join(dir, LOCK_FILE), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.ppid}`);
    // Our release never removes a lock that is not ours.
    release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    fs.writeFileSync(path.join(dir, LOCK_FILE), String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock left by a dead process, an empty file, or our own pid (a restarted container)', () => {
    for (const content of ['2147483646', '', 'garbage', String(process.pid)]) {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, LOCK_FILE), content);
      const release = lockDataDir(dir);
      expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
      release();
    }
  });
});
