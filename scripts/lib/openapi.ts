/**
 * The OpenAPI document of the server as `/api/openapi.json` serves it, built without a network:
 * the app on an empty in-memory database (migrated, not seeded — the document does not depend on
 * data), asked for its document, and closed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { openDatabase } from '../../server/platform/db.ts';
import type { OpenApiDocument } from './api-types.ts';

export async function openApiDocument(): Promise<OpenApiDocument> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cityops-openapi-'));
  const database = await openDatabase({ inMemory: true });
  try {
    await database.migrate();
    const app = await buildApp({
      config: { ...loadConfig({}), dataDir },
      database,
      logger: false,
      serveWeb: false,
    });
    try {
      await app.ready();
      const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
      if (res.statusCode !== 200)
        throw new Error(`/api/openapi.json answered ${res.statusCode}: ${res.body}`);
      return res.json() as OpenApiDocument;
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
