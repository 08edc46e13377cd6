import { type Static, Type } from 'typebox';
import { Page, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { IMPORT_KINDS } from './policy.ts';

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export const ImportKindSchema = StringEnum(IMPORT_KINDS, 'divisions / grids / components');
export const ImportModeSchema = StringEnum(
  ['insert', 'replace'] as const,
  'insert (default): existing IDs are errors; replace: rows with the same ID are overwritten, and a ' +
    'grid file replaces all stored grids of the communities it covers',
);
const CrsField = Type.String({
  maxLength: 60,
  description:
    '"detect" (default: .prj, GeoJSON crs member, or the coordinates), wgs84, cgcs2000, gcj02, bd09, or a ' +
    'CGCS2000 Gauss–Krüger EPSG code such as EPSG:4549',
});

const Finding = Type.Object({
  rule: Type.String(),
  severity: StringEnum(['error', 'warning'] as const),
  message_zh: Type.String(),
  message_en: Type.String(),
});
const ReportRow = Type.Object({
  row: Type.Integer({ description: '1-based feature number; 0 = the file as a whole' }),
  id: Type.Union([Type.String(), Type.Null()]),
  ok: Type.Boolean(),
  findings: Type.Array(Finding),
});

const JobFields = {
  id: Type.String({ format: 'uuid' }),
  kind: ImportKindSchema,
  fileName: Type.String(),
  format: StringEnum(['geojson', 'shapefile'] as const),
  crs: Type.Union([Type.String(), Type.Null()]),
  status: StringEnum(['validating', 'writing', 'failed', 'succeeded'] as const),
  total: Type.Integer(),
  processed: Type.Integer(),
  summary: Type.Union([Type.Record(Type.String(), Type.Any()), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
};
export const ImportJob = Type.Object({ ...JobFields, report: Type.Array(ReportRow) });
export const ImportJobList = Page(Type.Object(JobFields));

export const ImportQuery = Type.Object(
  {
    wait: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          'true: answer the finished job (200); false: answer at once (202) and poll GET /api/imports/:id',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ImportBase64Body = Type.Object(
  {
    kind: ImportKindSchema,
    fileName: Type.String({ minLength: 1, maxLength: 200, description: 'x.geojson, x.json or x.zip' }),
    // No minLength: checking it counts the characters of up to 67 MB in the request's thread; the
    // route refuses an empty file itself.
    contentBase64: Type.String({ description: 'the file, base64-encoded' }),
    crs: Type.Optional(CrsField),
    mode: Type.Optional(ImportModeSchema),
  },
  { additionalProperties: false },
);
export type ImportBase64BodyT = Static<typeof ImportBase64Body>;

export const ImportJobListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const ImportIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
