/**
 * Generates the web client's API types from the server's OpenAPI document:
 *
 *   npx tsx scripts/gen-api-types.ts           writes web/src/api/schema.d.ts
 *   npx tsx scripts/gen-api-types.ts --check   fails (exit 1, with the diff) when that file is stale
 *
 * `npm run gen:api-types` and `npm run check:api-types` run these; CI runs the check, so a schema
 * change that is not regenerated (and so not typechecked against the web) does not land.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderApiTypes } from './lib/api-types.ts';
import { openApiDocument } from './lib/openapi.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const API_TYPES_FILE = 'web/src/api/schema.d.ts';

/** Biome's formatting, so the committed file reads like the rest of the code and passes lint. */
function format(source: string): string {
  const biome = path.join(root, 'node_modules/@biomejs/biome/bin/biome');
  const r = spawnSync(process.execPath, [biome, 'format', `--stdin-file-path=${API_TYPES_FILE}`], {
    cwd: root,
    input: source,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`biome format failed:\n${r.stderr}`);
  return r.stdout;
}

async function main() {
  const check = process.argv.includes('--check');
  const generated = format(renderApiTypes(await openApiDocument(), '/api/openapi.json'));
  const target = path.join(root, API_TYPES_FILE);
  if (!check) {
    fs.writeFileSync(target, generated);
    process.stdout.write(`wrote ${API_TYPES_FILE}\n`);
    return;
  }
  const committed = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (committed === generated) {
    process.stdout.write(`${API_TYPES_FILE} is up to date with the server's schemas\n`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-api-types-'));
  const fresh = path.join(dir, 'schema.d.ts');
  fs.writeFileSync(fresh, generated);
  spawnSync('diff', ['-u', target, fresh], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
  process.stderr.write(
    `\n${API_TYPES_FILE} is stale: the server's response schemas changed. Run \`npm run gen:api-types\` and commit it.\n`,
  );
  process.exitCode = 1;
}

await main();
