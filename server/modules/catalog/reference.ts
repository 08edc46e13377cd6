/**
 * The GB/T 47678.5-2026 catalogue as shipped in db/reference/gbt47678-5-catalogue.json
 * (153 component types, 250 matter types), and the code rules for types a city adds itself.
 *
 * Legacy 4-digit codes (CJ/T 214 / GB/T 30428.2, e.g. 0101 上水井盖): the reference file carries
 * none, and the 2026 standard renumbered the classes (3-digit minor codes, retired and added
 * types, matter majors moved from 01–06 to 06–10), so no mapping is evident from the structure
 * alone. The column is therefore seeded empty (null) and a city admin fills it from its own old
 * data through PATCH /api/catalog/types/:kind/:code — nothing is guessed here.
 *
 * Local types: code `99` + 3 digits (99001–99999) for either kind, major class `99` (本地扩展).
 * 99 is no major of the standard (components use 01–05, matters 01–10), and the code keeps the
 * 5-digit numeric shape, so a local component type still fits the 17-digit component ID
 * (6 district + 5 type + 6 sequence) and a local matter type the 11-digit matter code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REFERENCE_DIR } from '../../platform/reference.ts';

export type CatalogKind = 'component' | 'matter';
export const CATALOG_KINDS = ['component', 'matter'] as const;

export const LOCAL_MAJOR = '99';
export const LOCAL_MAJOR_NAME = '本地扩展';
export const LOCAL_CODE = /^99\d{3}$/;

export interface ReferenceType {
  kind: CatalogKind;
  code: string;
  name: string;
  majorCode: string;
  /** For a matter of majors 01–05: the component it is the anomaly of. */
  component?: string;
}

export interface ReferenceCatalogue {
  standard: string;
  componentMajors: { code: string; name: string }[];
  matterMajors: { code: string; name: string }[];
  types: ReferenceType[];
}

interface RawFile {
  meta: { standard: string };
  componentMajors: { code: string; name: string }[];
  matterMajors: { code: string; name: string }[];
  components: { code: string; major: string; name: string }[];
  matters: { code: string; major: string; name: string; component?: string }[];
}

let cached: ReferenceCatalogue | undefined;

export function referenceCatalogue(): ReferenceCatalogue {
  if (cached) return cached;
  const raw = JSON.parse(
    fs.readFileSync(path.join(REFERENCE_DIR, 'gbt47678-5-catalogue.json'), 'utf8'),
  ) as RawFile;
  cached = {
    standard: raw.meta.standard,
    componentMajors: raw.componentMajors,
    matterMajors: raw.matterMajors,
    types: [
      ...raw.components.map((c) => ({
        kind: 'component' as const,
        code: c.code,
        name: c.name,
        majorCode: c.major,
      })),
      ...raw.matters.map((m) => ({
        kind: 'matter' as const,
        code: m.code,
        name: m.name,
        majorCode: m.major,
        ...(m.component ? { component: m.component } : {}),
      })),
    ],
  };
  return cached;
}

/** Major classes of a kind, the standard's plus the local one. */
export function majorsOf(kind: CatalogKind): { code: string; name: string }[] {
  const ref = referenceCatalogue();
  const majors = kind === 'component' ? ref.componentMajors : ref.matterMajors;
  return [...majors, { code: LOCAL_MAJOR, name: LOCAL_MAJOR_NAME }];
}

export const isMatterMajor = (code: string) => majorsOf('matter').some((m) => m.code === code);
