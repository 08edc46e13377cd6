/** Builds the web client when web/dist is missing or older than its sources (shared by start and test). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function newestMtime(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function webBuildIsStale() {
  const distIndex = path.join(root, 'web/dist/index.html');
  if (!fs.existsSync(distIndex)) return true;
  const inputs = ['web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'common'].map((p) =>
    path.join(root, p),
  );
  return (
    Math.max(...inputs.filter((p) => fs.existsSync(p)).map(newestMtime)) > fs.statSync(distIndex).mtimeMs
  );
}

export function buildWebIfStale() {
  if (process.env.SKIP_WEB_BUILD === '1' || !webBuildIsStale()) return;
  process.stdout.write('Building the web client (missing or older than its sources)…\n');
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
      // Always the build users get: started from a test runner (NODE_ENV=test), vite would keep the
      // libraries' development code — antd's deprecation warnings on the console among it.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
