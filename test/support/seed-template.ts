/**
 * Seeded-template cache for the end-to-end files. A first start on an empty DATA_DIR seeds the demo
 * city (measured: 24–40 s on this 2-core machine, against 9–13 s for a start on a directory seeded
 * already), and most files seed the same city. So the first file needing a seed starts the
 * platform on a template directory, `<tmp>/cityops-e2e-template-<key>/data`, and stops it cleanly;
 * every file then copies that directory to its own DATA_DIR and starts there ("Demo data: already
 * present").
 *
 * The key is a hash of what decides the seed's rows: the seed's environment (DEMO_PASSWORD,
 * DEMO_COMPONENTS, the effective DEMO_CASES — VITEST makes its default 0 — and TZ) and the code
 * (the contents of server/, common/ and db/ — the migrations and the reference data — and
 * package-lock.json, so a PGlite upgrade too): a code change gets a new template, never a stale
 * one. The template is built with only that environment: what files set besides it (MQTT_URL,
 * OUTBOUND_ALLOW, OPEN311_POLL_SECONDS …) is read at run time, not by the seed, and applies to the
 * file's own start on the copy. Photo paths are relative to DATA_DIR, so a copy is self-contained.
 *
 * Time: the seed writes relative to "now". Demo cases are placed minutes to months back, and
 * their running stages' warnings and deadlines fall due minutes to hours after the seed, so a seed
 * with demo cases (DEMO_CASES > 0) is never taken from the cache unless the file asks (`seedCache:
 * true`): a template made at the start of the run is ~25 minutes old by the last file (more on a
 * busy machine), and what those files show (lights, overdue marks, "today") would move. Without
 * cases, what is relative to now is the demo sensors' last day of readings, ending 10 minutes
 * before the seed; the kinds' silence limits are 10 minutes (the water gauges go offline at once
 * either way, and an offline sensor only gets a note by default: no case), 2 h and 4 h. A template
 * up to MAX_AGE_MS (an hour) old is therefore equivalent to a fresh seed; an older one is rebuilt,
 * also across runs.
 *
 * Building is guarded by a lock directory (mkdir is atomic; it holds the builder's pid, and a lock
 * whose process is gone is taken over), and the template is built under another name and renamed
 * into place once stopped cleanly: a half-built template is never copied, and two processes never
 * build the same one at once. Templates stay in the temporary directory after the run; those well
 * past MAX_AGE_MS (never used again) are removed when another is built. E2E_SEED_CACHE=0 turns the
 * cache off (every file seeds its own directory, as before).
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoCaseCount } from '../../server/seed/demo-cases/count.ts';
import { ROOT, startPlatform } from './process.ts';

/** A template older than this is rebuilt (see above). */
export const MAX_AGE_MS = 60 * 60_000;
const PREFIX = 'cityops-e2e-template-';

let codeHash: string | undefined;

/** The hash of the code a seed comes from (once per process: the code does not change under a run). */
function codeFingerprint(): string {
  if (codeHash) return codeHash;
  const h = createHash('sha256');
  const walk = (rel: string) => {
    const abs = path.join(ROOT, rel);
    if (fs.statSync(abs).isFile()) {
      h.update(`${rel}\0`).update(fs.readFileSync(abs)).update('\0');
      return;
    }
    for (const name of fs.readdirSync(abs).sort()) {
      if (name === 'node_modules' || name.endsWith('.test.ts')) continue;
      walk(path.join(rel, name));
    }
  };
  for (const rel of ['server', 'common', 'db', 'package-lock.json']) walk(rel);
  codeHash = h.digest('hex');
  return codeHash;
}

/** The environment that decides a seed (for the key and the template's own start). */
function seedEnv(env: Record<string, string>): Record<string, string> {
  const merged = { ...process.env, ...env };
  return {
    DATABASE_URL: '',
    SEED_DEMO: 'true',
    DEMO_PASSWORD: merged.DEMO_PASSWORD ?? '',
    DEMO_COMPONENTS: merged.DEMO_COMPONENTS ?? '',
    DEMO_CASES: String(demoCaseCount(merged)),
  };
}

/** Whether a file's start may come from the cache (see the header for why demo cases opt out). */
function cacheable(env: Record<string, string>, want: boolean | undefined): boolean {
  if (want === false || process.env.E2E_SEED_CACHE === '0') return false;
  const merged = { ...process.env, ...env };
  if (!env.DATA_DIR || merged.DATABASE_URL) return false; // PGlite in a directory of the file's own
  if (['0', 'false', 'no', 'off'].includes((merged.SEED_DEMO ?? '').trim().toLowerCase())) return false;
  return want === true || demoCaseCount(merged) === 0;
}

interface Ready {
  createdAt: number;
  env: Record<string, string>;
}

function readyOf(dir: string): Ready | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'ready.json'), 'utf8')) as Ready;
  } catch {
    return undefined;
  }
}

const fresh = (r: Ready | undefined): r is Ready => !!r && Date.now() - r.createdAt < MAX_AGE_MS;

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock directory, or says who holds it. */
function tryLock(lock: string): { held: true } | { held: false; holder: number } {
  try {
    fs.mkdirSync(lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    let holder = Number.NaN;
    try {
      holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
    } catch {
      // Just made, its pid not yet written: held — unless that was long ago (its maker died).
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < 30_000) return { held: false, holder: -1 };
    }
    if (alive(holder)) return { held: false, holder };
    fs.rmSync(lock, { recursive: true, force: true }); // its builder died
    return tryLock(lock);
  }
  fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
  return { held: true };
}

/** Removes templates (and leftovers of builds) nobody can use any more. */
function prune(): void {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(PREFIX) || name.endsWith('.lock')) continue;
    const dir = path.join(tmp, name);
    try {
      const made = readyOf(dir)?.createdAt ?? fs.statSync(dir).mtimeMs;
      if (Date.now() - made > MAX_AGE_MS + 10 * 60_000) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone meanwhile.
    }
  }
}

/** Seeds a template under a private name, stops it cleanly and renames it into place. */
async function build(dir: string, env: Record<string, string>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const building = `${dir}.building-${process.pid}-${randomUUID().slice(0, 8)}`;
  fs.mkdirSync(building);
  try {
    const dataDir = path.join(building, 'data');
    const platform = await startPlatform({ ...env, DATA_DIR: dataDir }, timeoutMs);
    platform.child.kill('SIGTERM');
    const code = await Promise.race([
      platform.exited,
      new Promise<'late'>((r) => setTimeout(() => r('late'), 30_000)),
    ]);
    if (code !== 0 || !platform.output().includes('stopped cleanly')) {
      if (platform.child.exitCode === null) platform.child.kill('SIGKILL');
      throw new Error(`the template's platform did not stop cleanly (${code}):\n${platform.output()}`);
    }
    fs.writeFileSync(path.join(building, 'ready.json'), JSON.stringify({ createdAt: Date.now(), env }));
    if (fs.existsSync(dir)) {
      // A stale one (a fresh one would have been used): out of the way first; rename cannot replace
      // a directory that has files.
      const old = `${dir}.stale-${randomUUID().slice(0, 8)}`;
      fs.renameSync(dir, old);
      fs.rmSync(old, { recursive: true, force: true });
    }
    fs.renameSync(building, dir);
    process.stderr.write(
      `e2e seed template ${path.basename(dir)}: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
}

/** The data directory of a fresh template for `env`'s seed, built if need be. */
async function template(env: Record<string, string>, timeoutMs: number): Promise<string> {
  const seed = seedEnv(env);
  const key = createHash('sha256')
    .update(JSON.stringify({ seed, tz: process.env.TZ ?? '', code: codeFingerprint() }))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(os.tmpdir(), `${PREFIX}${key}`);
  const lock = `${dir}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fresh(readyOf(dir))) return path.join(dir, 'data');
    const got = tryLock(lock);
    if (got.held) {
      try {
        // Built by another process between our look and our lock?
        if (!fresh(readyOf(dir))) {
          prune();
          await build(dir, seed, timeoutMs);
        }
        return path.join(dir, 'data');
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
    }
    if (Date.now() > deadline)
      throw new Error(`the seed template ${dir} is still being built by process ${got.holder}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Fills the file's (empty) DATA_DIR with a copy of the cached seed for its environment, when the
 * cache applies (see the header); otherwise leaves it, and the platform seeds it on its first start.
 */
export async function copySeedTemplate(
  env: Record<string, string>,
  timeoutMs: number,
  want?: boolean,
): Promise<void> {
  if (!cacheable(env, want)) return;
  if (fs.existsSync(env.DATA_DIR) && fs.readdirSync(env.DATA_DIR).length > 0) return; // not a fresh directory
  const data = await template(env, timeoutMs);
  try {
    fs.cpSync(data, env.DATA_DIR, { recursive: true });
  } catch (err) {
    // Removed under us (replaced, being stale): the platform seeds the directory itself instead.
    process.stderr.write(`e2e seed template ${data} not copied (${String(err)}): seeding afresh\n`);
    for (const name of fs.readdirSync(env.DATA_DIR))
      fs.rmSync(path.join(env.DATA_DIR, name), { recursive: true, force: true });
  }
}
