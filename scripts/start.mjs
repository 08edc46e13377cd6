#!/usr/bin/env node
/**
 * `npm start`: builds the web client when its build is missing or older than its sources, then
 * runs the server in this same process (so SIGINT/SIGTERM reach it directly).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const distIndex = path.join(root, 'web/dist/index.html');
const sources = [path.join(root, 'web/src'), path.join(root, 'common')];
const stale =
  !fs.existsSync(distIndex) ||
  Math.max(...sources.map(newestMtime), fs.statSync(path.join(root, 'web/index.html')).mtimeMs) >
    fs.statSync(distIndex).mtimeMs;
if (stale && process.env.SKIP_WEB_BUILD !== '1') {
  process.stdout.write('Building the web client (first start or sources changed)…\n');
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const { register } = await import('tsx/esm/api');
register();
await import(path.join(root, 'server/main.ts'));
