/**
 * Import divisions, grids, components or places (the gazetteer) from the command line, through the
 * same service as POST /api/imports (all or nothing, the same row-by-row report, one audit event):
 *
 *   npx tsx scripts/import.ts --kind grids --file grids.zip [--crs gcj02|EPSG:4549|detect]
 *        [--mode insert|replace] [--database-url postgres://…| --data-dir ./data] [--json]
 *
 * Runs as the system actor "cli-import" (city scope). Stop the server first when it uses the
 * same PGlite data directory: the tool takes the directory's lock and refuses (exit code 3) while
 * the server holds it. Exit code 0 on success, 1 when the file was rejected, 2 on bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PERMISSIONS } from '../common/identity.ts';
import { IMPORT_KINDS, type ImportKind, importAndWait } from '../server/modules/imports/index.ts';
import { loadConfig } from '../server/platform/config.ts';
import { systemContext } from '../server/platform/context.ts';
import { lockDataDir } from '../server/platform/data-dir-lock.ts';
import { openDatabase } from '../server/platform/db.ts';

function usage(msg?: string): never {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write(
    'usage: npx tsx scripts/import.ts --kind divisions|grids|components|places --file <x.geojson|x.zip|x.csv> ' +
      '[--crs detect|wgs84|cgcs2000|gcj02|bd09|EPSG:45xx] [--mode insert|replace] ' +
      '[--database-url <url> | --data-dir <dir>] [--json]\n',
  );
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    kind: { type: 'string' },
    file: { type: 'string' },
    crs: { type: 'string' },
    mode: { type: 'string' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  },
});
if (values.help) usage();
if (!IMPORT_KINDS.includes(values.kind as ImportKind)) usage('--kind must be divisions, grids or components');
if (!values.file || !fs.existsSync(values.file)) usage(`--file not found: ${values.file ?? ''}`);
if (values.mode && values.mode !== 'insert' && values.mode !== 'replace')
  usage('--mode must be insert or replace');

const config = loadConfig();
const databaseUrl = values['database-url'] ?? config.databaseUrl;
const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : config.dataDir;
// On PGlite the server and this tool must not open one directory at once (it would corrupt it).
let unlock = () => {};
if (!databaseUrl) {
  try {
    unlock = lockDataDir(dataDir);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(3);
  }
}
const database = await openDatabase({ databaseUrl, dataDir });
try {
  await database.migrate();
  const ctx = systemContext('cli-import');
  ctx.actor.permissions = [...PERMISSIONS];
  const job = await importAndWait(database.db, ctx, {
    kind: values.kind as ImportKind,
    fileName: path.basename(values.file),
    data: fs.readFileSync(values.file),
    crs: values.crs,
    mode: values.mode as 'insert' | 'replace' | undefined,
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
  } else {
    const s = (job.summary ?? {}) as Record<string, unknown>;
    process.stdout.write(
      `${job.status === 'succeeded' ? 'OK' : 'REJECTED'}: ${job.kind} from ${job.fileName} ` +
        `(${job.format}, CRS ${job.crs ?? '?'}${s.crsHow ? ` by ${s.crsHow}` : ''}) — ` +
        `${s.rows ?? 0} rows, ${s.errors ?? 0} with errors, ${s.written ?? 0} written\n`,
    );
    for (const r of job.report) {
      for (const f of r.findings) {
        process.stdout.write(
          `  row ${r.row}${r.id ? ` ${r.id}` : ''}: [${f.severity}] ${f.rule}: ${f.message_zh} / ${f.message_en}\n`,
        );
      }
    }
  }
  process.exitCode = job.status === 'succeeded' ? 0 : 1;
} finally {
  await database.close();
  unlock();
}
