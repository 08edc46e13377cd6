#!/usr/bin/env node
/**
 * `npm test`: every test — unit, integration (PGlite, or PostgreSQL when TEST_DATABASE_URL is set)
 * and end-to-end in Debian's Chromium. Builds the web client first so the browser tests and the
 * process test see the current UI. Extra arguments go to vitest.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildWebIfStale, root } from './lib/web-build.mjs';

buildWebIfStale();
const args = ['run', ...process.argv.slice(2)];
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  if (process.env.CI) {
    process.stderr.write(
      `Chromium not found at ${chromium}: CI must install it (apt-get install -y chromium).\n`,
    );
    process.exit(1);
  }
  process.stderr.write(
    `\n!! Chromium not found at ${chromium}: the end-to-end tests are NOT run.\n` +
      '!! Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH) to run the whole suite.\n\n',
  );
  args.push('--project', 'unit', '--project', 'integration', '--project', 'integration-timing');
}
const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
