/**
 * What a post is about: its matter types (each with the classifier's share of belief, 0–1), the
 * gazetteer's places named in it, whose post it is (the district of its place, else of its feed;
 * unplaced posts of city feeds are the city's) and whether it is relevant — a type scoring at
 * least the setting's `relevantTypeScore`, or a place in the managed area.
 *
 * Both come from the one classifier every channel and form uses (`suggest` of
 * server/modules/classifier, as `POST /api/intake/suggest` answers), asked by the system: a post
 * is nobody's report until an acceptor turns it into one.
 */
import { systemContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { MAX_SUGGEST_TEXT, suggest } from '../classifier/index.ts';
import type { SpatialService } from '../geo/index.ts';
import type { OpinionMatching } from '../settings/index.ts';
import type { PostPlace, PostType } from './tables.ts';

export interface Classification {
  types: PostType[];
  places: PostPlace[];
  /** The place the post is about: the first found in the managed area, else the first found. */
  place: PostPlace | null;
  districtCode: string | null;
  relevant: boolean;
}

/** The words the classifier reads: title and text, cut to what it accepts (code points). */
export function classifiedText(post: { title: string; text: string }): string {
  const chars = [...`${post.title}\n${post.text}`.trim()];
  return chars.slice(0, MAX_SUGGEST_TEXT).join('');
}

export async function classifyPost(
  db: Db,
  spatial: SpatialService,
  post: { title: string; text: string },
  feedDistrict: string | null,
  matching: OpinionMatching,
): Promise<Classification> {
  const text = classifiedText(post);
  if (text === '') return { types: [], places: [], place: null, districtCode: feedDistrict, relevant: false };
  const found = await suggest(db, systemContext('opinion'), { text }, { spatial });
  const types: PostType[] = found.matterTypes.map((t) => ({ code: t.code, name: t.name, score: t.score }));
  const places: PostPlace[] = found.places.map((p) => ({
    id: p.id,
    name: p.name,
    lng: p.lng,
    lat: p.lat,
    gridId: p.gridId,
    districtCode: spatial.lookup(p.lng, p.lat)?.district.code ?? p.districtCode,
  }));
  const place = places.find((p) => p.gridId) ?? places[0] ?? null;
  const typed = (types[0]?.score ?? 0) >= matching.relevantTypeScore;
  return {
    types,
    places,
    place,
    districtCode: place?.districtCode ?? feedDistrict,
    relevant: typed || places.some((p) => p.gridId !== null),
  };
}
