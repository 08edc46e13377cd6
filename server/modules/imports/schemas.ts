import { type Static, Type } from 'typebox';
import { Nullable, Page, PageQuery, StringEnum } from '../../platform/schemas.ts';
import { IMPORT_KINDS } from './policy.ts';

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export const ImportKindSchema = StringEnum(
  IMPORT_KINDS,
  'divisions / grids / components / places (the gazetteer)',
);
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

const Count = (description: string) => Type.Optional(Type.Integer({ description }));
/**
 * What a finished job says about itself (service.ts and recovery.ts write it): the counts, the
 * coordinate system and how it was found, and for an interrupted job why.
 */
const ImportSummary = Type.Object({
  rows: Count('features in the file'),
  errors: Count('features (or the file) with an error'),
  warnings: Count('warnings over all features'),
  written: Count('features written (0 when the job failed)'),
  processed: Count('features validated before an interruption'),
  crs: Type.Optional(Type.String()),
  crsHow: Type.Optional(
    StringEnum(['declared', 'prj', 'geojson-crs', 'coordinates'] as const, 'how the CRS was determined'),
  ),
  mode: Type.Optional(ImportModeSchema),
  notes: Type.Optional(Type.Array(Type.String(), { description: 'e.g. the DBF encoding used' })),
  districts: Type.Optional(Type.Array(Type.String(), { description: 'districts the import touched' })),
  removedGrids: Count('grids removed by a replace'),
  componentsRegridded: Count('components moved to another grid by a replace'),
  // A file of more rows than a report keeps (validate.ts): only the rows with findings are listed.
  reportRows: Count('rows the report lists (a large file keeps only the rows with findings)'),
  ruleCounts: Type.Optional(
    Type.Record(Type.String(), Type.Integer(), { description: 'findings per rule over the whole file' }),
  ),
  interrupted: Type.Optional(Type.Boolean({ description: 'failed because its process stopped' })),
  owner: Type.Optional(Nullable(Type.String({ description: 'the process that ran the job' }))),
  reason_zh: Type.Optional(Type.String()),
  reason_en: Type.Optional(Type.String()),
});

const JobFields = {
  id: Type.String({ format: 'uuid' }),
  kind: ImportKindSchema,
  fileName: Type.String(),
  format: StringEnum(['geojson', 'shapefile', 'csv'] as const),
  crs: Type.Union([Type.String(), Type.Null()]),
  status: StringEnum(['validating', 'writing', 'failed', 'succeeded'] as const),
  total: Type.Integer(),
  processed: Type.Integer(),
  summary: Type.Union([ImportSummary, Type.Null()]),
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
    fileName: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'x.geojson, x.json, x.zip, or x.csv (a table of points with lng/lat columns)',
    }),
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
