/**
 * What the validators read from the database, as one interface: the import worker (worker.ts)
 * has no database handle — PGlite lives in the main thread — so it asks through messages and the
 * main thread answers from `dbStore`. Every method takes a bounded list (the validators ask in
 * chunks) so that no single answer holds the main thread for long. The answers come from geo's
 * and components' public interfaces: their tables stay theirs.
 */
import type { Db } from '../../platform/db.ts';
import { existingComponentIds, knownComponentTypes } from '../components/index.ts';
import {
  type Area,
  type BBox,
  type DivisionLevel,
  districtsExtent,
  divisionChildren,
  divisionsInBoxes,
  existingPlaceIds,
  gridsByIds,
  gridsInBoxes,
  gridsOfCommunities,
  type StoredDivision,
  type StoredGrid,
  storedDivisionCodes,
  storedDivisions,
} from '../geo/index.ts';
import { NINGBO_EXTENT } from './extent.ts';

export type { Area, DivisionLevel, StoredDivision, StoredGrid };

export interface ImportStore {
  /** Which of these division codes are stored. */
  existingDivisionCodes(codes: string[]): Promise<string[]>;
  /** Stored divisions by code. */
  divisions(codes: string[]): Promise<StoredDivision[]>;
  /** Stored children of these divisions, except the given codes. */
  divisionChildren(parents: string[], except: string[]): Promise<StoredDivision[]>;
  /**
   * Stored divisions of a level whose bounding box overlaps (not just touches) any of the boxes,
   * except the given codes.
   */
  divisionsInBoxes(level: DivisionLevel, boxes: BBox[], except: string[]): Promise<StoredDivision[]>;
  gridsOfCommunities(codes: string[]): Promise<StoredGrid[]>;
  /**
   * Stored grids whose bounding box overlaps (not just touches) any of the boxes, except those of
   * the given communities.
   */
  gridsInBoxes(boxes: BBox[], exceptCommunities: string[]): Promise<StoredGrid[]>;
  gridsByIds(ids: string[]): Promise<StoredGrid[]>;
  /** Component type codes usable now (the standard's and the city's enabled local ones). */
  componentTypes(): Promise<string[]>;
  existingComponentIds(ids: string[]): Promise<string[]>;
  /** Which of these gazetteer IDs are stored. */
  existingPlaceIds(ids: string[]): Promise<string[]>;
}

export const STORE_METHODS = [
  'existingDivisionCodes',
  'divisions',
  'divisionChildren',
  'divisionsInBoxes',
  'gridsOfCommunities',
  'gridsInBoxes',
  'gridsByIds',
  'componentTypes',
  'existingComponentIds',
  'existingPlaceIds',
] as const satisfies readonly (keyof ImportStore)[];
export type StoreMethod = (typeof STORE_METHODS)[number];

export function dbStore(db: Db): ImportStore {
  return {
    existingDivisionCodes: (codes) => storedDivisionCodes(db, codes),
    divisions: (codes) => storedDivisions(db, codes),
    divisionChildren: (parents, except) => divisionChildren(db, parents, except),
    divisionsInBoxes: (level, boxes, except) => divisionsInBoxes(db, level, boxes, except),
    gridsOfCommunities: (codes) => gridsOfCommunities(db, codes),
    gridsInBoxes: (boxes, exceptCommunities) => gridsInBoxes(db, boxes, exceptCommunities),
    gridsByIds: (ids) => gridsByIds(db, ids),
    async componentTypes() {
      return [...(await knownComponentTypes(db))];
    },
    async existingComponentIds(ids) {
      return [...(await existingComponentIds(db, ids))];
    },
    existingPlaceIds: (ids) => existingPlaceIds(db, ids),
  };
}

/** Ningbo's extent grown to hold every stored district (a demo city at scale may reach past it). */
export async function cityExtent(db: Db): Promise<BBox> {
  const stored = await districtsExtent(db);
  const b: BBox = [...NINGBO_EXTENT];
  if (stored) {
    b[0] = Math.min(b[0], stored[0]);
    b[1] = Math.min(b[1], stored[1]);
    b[2] = Math.max(b[2], stored[2]);
    b[3] = Math.max(b[3], stored[3]);
  }
  return b;
}
