#!/usr/bin/env node
/**
 * `npm start`: builds the web client when its build is missing or older than its sources, then
 * runs the server in this same process (so SIGINT/SIGTERM reach it directly).
 */
import path from 'node:path';
import { buildWebIfStale, root } from './lib/web-build.mjs';

buildWebIfStale();
const { register } = await import('tsx/esm/api');
register();
await import(path.join(root, 'server/main.ts'));
