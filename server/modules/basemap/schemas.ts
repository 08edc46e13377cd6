import { type Static, Type } from 'typebox';
import { Nullable, StringEnum } from '../../platform/schemas.ts';
import { LAYER_TYPES, TIANDITU_LAYERS } from './style.ts';

export const CHOICE_KINDS = ['none', 'generated', 'archive', 'tianditu', 'xyz'] as const;
export type ChoiceKind = (typeof CHOICE_KINDS)[number];
/** Coordinate systems an XYZ source may declare; GCJ-02 and BD-09 ones are refused (service.ts). */
export const XYZ_CRS = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const;

const Bounds = Type.Array(Type.Number(), {
  minItems: 4,
  maxItems: 4,
  description: '[west, south, east, north], WGS84',
});

/**
 * MapLibre's own open values: a layer's `filter` is an expression, its `layout` and `paint` are
 * properties whose values may be expressions. MapLibre validates them when the style is drawn.
 */
const MapLibreProperties = (what: string) =>
  Type.Object(
    {},
    { additionalProperties: true, description: `MapLibre ${what} properties (values may be expressions)` },
  );

export const StyleLayer = Type.Object({
  id: Type.String(),
  type: StringEnum([...LAYER_TYPES, 'raster'] as const),
  source: Type.Optional(Type.String()),
  'source-layer': Type.Optional(Type.String()),
  minzoom: Type.Optional(Type.Number()),
  maxzoom: Type.Optional(Type.Number()),
  filter: Type.Optional(Type.Array(Type.Unknown(), { description: 'a MapLibre filter expression' })),
  layout: Type.Optional(MapLibreProperties('layout')),
  paint: Type.Optional(MapLibreProperties('paint')),
});

/** MapLibre writes a source's attribution as HTML: the server sends the text escaped. */
const SourceAttribution = Type.String({
  description: 'HTML, as MapLibre shows it: the attribution text with & < > " \' escaped (never markup)',
});

const VectorSource = Type.Object({
  type: Type.Literal('vector'),
  url: Type.String({
    description:
      '`pmtiles:///api/basemap/archives/{id}/file`: the archive on this server; the client writes its own origin after `pmtiles://`',
  }),
  attribution: Type.Optional(SourceAttribution),
});

const RasterSource = Type.Object({
  type: Type.Literal('raster'),
  tiles: Type.Array(Type.String(), {
    description: 'tile URL templates ({z}/{x}/{y}); fetched by the browser',
  }),
  tileSize: Type.Integer(),
  minzoom: Type.Integer(),
  maxzoom: Type.Integer(),
  attribution: Type.Optional(SourceAttribution),
});

export const StyleFragment = Type.Object(
  {
    sources: Type.Record(Type.String(), Type.Union([VectorSource, RasterSource])),
    layers: Type.Array(StyleLayer, {
      description: 'drawn under the platform’s layers, except `symbol` layers (labels), drawn above them',
    }),
    divisionLabelLayers: Type.Array(Type.String(), {
      description: 'layers that label divisions (a page with its own division labels may leave them out)',
    }),
  },
  {
    description: 'MapLibre sources and layers of the base map (no glyphs or sprite: labels use local fonts)',
  },
);

const Notice = Type.Object({ zh: Type.String(), en: Type.String() });

export const ArchiveSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  bytes: Type.Integer(),
  minZoom: Type.Integer(),
  maxZoom: Type.Integer(),
  bounds: Bounds,
  url: Type.String({ description: 'the archive, served with HTTP Range (session or API key)' }),
});

export const BaseMap = Type.Object({
  kind: StringEnum(CHOICE_KINDS),
  name: Nullable(Type.String()),
  /** The base map is generated (from the city's layers) rather than real map data. */
  generated: Type.Boolean(),
  /** Generated from the demo city: generated demo data. */
  demo: Type.Boolean(),
  notice: Nullable(Notice),
  attribution: Nullable(Type.String()),
  style: Nullable(StyleFragment),
  archive: Nullable(ArchiveSummary),
  /** Origins outside this server the browser fetches tiles from (the CSP allows exactly these). */
  remoteOrigins: Type.Array(Type.String()),
  /** The 天地图 key's last characters, for display (the full key is in the tile URLs). */
  keyHint: Nullable(Type.String()),
  version: Type.Integer(),
});
export type BaseMapDto = Static<typeof BaseMap>;

const VectorLayerSchema = Type.Object({
  id: Type.String(),
  fields: Type.Record(Type.String(), Type.String()),
  minzoom: Type.Optional(Type.Integer()),
  maxzoom: Type.Optional(Type.Integer()),
});

export const Archive = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  origin: StringEnum(['upload', 'generated'] as const),
  fileName: Type.String(),
  bytes: Type.Integer(),
  sha256: Type.String(),
  minZoom: Type.Integer(),
  maxZoom: Type.Integer(),
  bounds: Bounds,
  center: Type.Array(Type.Number(), { minItems: 3, maxItems: 3, description: '[lng, lat, zoom]' }),
  addressedTiles: Type.Integer(),
  vectorLayers: Type.Array(VectorLayerSchema),
  styleSource: StringEnum(['uploaded', 'default', 'generated'] as const),
  attribution: Nullable(Type.String()),
  description: Nullable(Type.String()),
  demo: Type.Boolean(),
  /** Whether the archive's bounds meet the city's districts (false: it shows somewhere else). */
  coversCity: Nullable(Type.Boolean()),
  active: Type.Boolean(),
  url: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type ArchiveDto = Static<typeof Archive>;

export const Choice = Type.Object({
  kind: StringEnum(CHOICE_KINDS),
  archiveId: Nullable(Type.String({ format: 'uuid' })),
  tianditu: Type.Object({
    layer: StringEnum(TIANDITU_LAYERS),
    keySet: Type.Boolean(),
    keyHint: Nullable(
      Type.String({ description: 'the key’s last 4 characters; the key itself is never sent back' }),
    ),
  }),
  xyz: Nullable(
    Type.Object({
      url: Type.String(),
      crs: StringEnum(['wgs84', 'cgcs2000'] as const),
      maxZoom: Type.Integer(),
      attribution: Nullable(Type.String()),
    }),
  ),
  version: Type.Integer({ description: '0 while never chosen' }),
  updatedBy: Nullable(Type.String()),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const Settings = Type.Object({
  choice: Choice,
  archives: Type.Array(Archive),
  maxUploadBytes: Type.Integer(),
  generated: Type.Object({
    /** The latest generated archive, if any. */
    archiveId: Nullable(Type.String({ format: 'uuid' })),
    generatedAt: Nullable(Type.String({ format: 'date-time' })),
    /** The city's layers changed since (an import): regenerate to draw them. */
    stale: Type.Boolean(),
  }),
});

export const ChoicePut = Type.Object(
  {
    kind: StringEnum(CHOICE_KINDS),
    archiveId: Type.Optional(
      Type.String({ format: 'uuid', description: 'for kind = archive: an uploaded archive' }),
    ),
    tianditu: Type.Optional(
      Type.Object(
        {
          key: Type.Optional(
            Type.String({
              maxLength: 64,
              description: 'the 天地图 key (tk), 32 hex digits; omitted: keep the stored one',
            }),
          ),
          layer: StringEnum(TIANDITU_LAYERS, 'vec: 矢量底图 + 矢量注记; img: 影像 + 影像注记'),
        },
        { additionalProperties: false },
      ),
    ),
    xyz: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            maxLength: 2000,
            description: 'tile URL template with {z}, {x} and {y} (http or https), fetched by the browser',
          }),
          crs: StringEnum(XYZ_CRS, 'the tiles’ coordinate system: GCJ-02 and BD-09 are refused'),
          maxZoom: Type.Optional(Type.Integer({ minimum: 1, maximum: 22 })),
          attribution: Type.Optional(Type.String({ maxLength: 300 })),
        },
        { additionalProperties: false },
      ),
    ),
    version: Type.Integer({ minimum: 0, description: 'the version this write replaces (0: never chosen)' }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ChoicePutT = Static<typeof ChoicePut>;

export const ArchiveIdParams = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
