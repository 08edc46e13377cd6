/**
 * Read-only reference data shipped with the project (copied from the shared data set, so the
 * running platform never reads outside its own tree).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REFERENCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../db/reference');

export interface DivisionNode {
  code: string;
  name: string;
  level: string;
  children?: DivisionNode[];
}

let divisions: DivisionNode | undefined;
export function ningboDivisions(): DivisionNode {
  divisions ??= JSON.parse(fs.readFileSync(path.join(REFERENCE_DIR, 'ningbo-divisions.json'), 'utf8'));
  return divisions!;
}

let districtNames: Map<string, string> | undefined;
/** Ningbo's districts and counties: 6-digit code → name. */
export function districtsByCode(): Map<string, string> {
  districtNames ??= new Map((ningboDivisions().children ?? []).map((d) => [d.code, d.name]));
  return districtNames;
}
