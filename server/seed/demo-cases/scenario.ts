/**
 * A demo case's scenario, drawn from its own generator (seeded by the run's seed and the case's
 * index, so one case can be rebuilt alone — placement.ts replays it at another time): the state
 * it is to end in, where (district, grid, a point in it), what (matter type, words), through which
 * channel and by whom it was reported, the report row and its event, then intake and its path.
 */
import type { DEMO_DISTRICTS } from '../../../common/identity.ts';
import { convertLngLat } from '../../modules/geo/index.ts';
import { CaseSim } from './case-sim.ts';
import { CHANNELS, CITIZENS, type MATTERS, OPEN_AGE, STREETS, TARGETS } from './mix.ts';
import { drive } from './paths.ts';
import { between, mulberry32, pick, uuidFrom, weighted } from './random.ts';
import { DAY, MIN, reportTime } from './time.ts';
import type { World } from './world.ts';

/** What every case of one run shares. */
export interface Run {
  seed: number;
  w: World;
  now: Date;
  /** The demo districts that have grids, taken in turn (case i is in district i mod n). */
  districts: readonly (typeof DEMO_DISTRICTS)[number][];
  /** The matter types of the mix that have a standard and a catalogue name here. */
  matters: readonly (typeof MATTERS)[number][];
  matterWeights: Record<string, number>;
  /** Earlier cases a later report may duplicate (the run appends each case that was not merged). */
  mergeable: readonly CaseSim[];
}

/** Case `i`, its report moved `extraDays` earlier (negative: later) than drawn. */
export function buildCase(run: Run, i: number, extraDays: number): CaseSim {
  const { seed, w, now, districts, matters, matterWeights, mergeable } = run;
  const rng = mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  let target = weighted(rng, TARGETS);
  const district = districts[i % districts.length];
  const g = pick(rng, w.gridsByDistrict.get(district.code)!);
  const age = OPEN_AGE[target];
  let daysAgo = age ? between(rng, age[0], age[1]) : between(rng, 0.5, 91);
  let matterCode = weighted(rng, matterWeights);
  let lng = g.lng + between(rng, -g.dLng, g.dLng);
  let lat = g.lat + between(rng, -g.dLat, g.dLat);
  let gridRef = g;
  let mergeTarget: CaseSim | undefined;
  if (target === 'merged') {
    // A duplicate of an earlier case of the same district: same type, a few metres away, within 24 h.
    mergeTarget = [...mergeable].reverse().find((m) => m.c.districtCode === district.code);
    if (mergeTarget && mergeTarget.c.createdAt!.getTime() < now.getTime() - 85 * DAY) mergeTarget = undefined;
    if (!mergeTarget) target = 'rejected';
    else {
      matterCode = mergeTarget.reportMatter;
      gridRef = w.gridsByDistrict.get(district.code)!.find((x) => x.id === mergeTarget!.c.gridId)!;
      lng = mergeTarget.c.lng + between(rng, -0.0002, 0.0002);
      lat = mergeTarget.c.lat + between(rng, -0.0002, 0.0002);
      daysAgo = Math.max(
        0,
        (now.getTime() - mergeTarget.c.createdAt!.getTime()) / DAY - between(rng, 0.05, 0.8),
      );
    }
  }
  const channel = matterCode.startsWith('01') && rng() < 0.35 ? ('sensor' as const) : weighted(rng, CHANNELS);
  const withType = channel === 'inspector' || channel === 'hotline' || channel === 'sensor';
  const m = matters.find((x) => x.code === matterCode)!;
  const text = `${pick(rng, STREETS)}附近${pick(rng, m.text)}`;
  // Shifted as a whole when the path must end earlier or later (see the loop below).
  const createdAt = new Date(
    Math.min(
      reportTime(rng, now.getTime(), Math.max(0, daysAgo)) - extraDays * DAY,
      now.getTime() - 20 * MIN,
    ),
  );
  const route = w.unitOf(matterCode, gridRef.id);
  const caseId = uuidFrom(rng);
  const sim = new CaseSim(
    w,
    rng,
    {
      id: caseId,
      code: '',
      state: 'reported',
      channel,
      description: text,
      address: `${district.name}${pick(rng, STREETS)}${1 + Math.floor(rng() * 300)}号附近`,
      lng,
      lat,
      gridId: gridRef.id,
      communityCode: gridRef.communityCode,
      townshipCode: gridRef.townshipCode,
      districtCode: district.code,
      areaClass: gridRef.areaClass,
      matterKind: withType ? 'matter' : null,
      matterCode: withType ? matterCode : null,
      urgency: rng() < 0.05 ? 'urgent' : 'normal',
      suggestedUnitId: route?.unitId ?? null,
      suggestedRuleId: route?.ruleId ?? null,
      createdAt,
      updatedAt: createdAt,
    },
    w.standards.get(matterCode)!,
    district,
  );
  sim.reportMatter = matterCode;
  sim.mergeTarget = mergeTarget?.c.id;
  // The report that opened the case, and its event.
  const reporter =
    channel === 'inspector' ? sim.centre('inspector') : channel === 'sensor' ? null : sim.centre('acceptor');
  const crs = channel === 'app' ? 'gcj02' : channel === 'web' ? 'bd09' : 'wgs84';
  const [rawLng, rawLat] = crs === 'wgs84' ? [lng, lat] : convertLngLat(lng, lat, 'wgs84', crs);
  const citizen = channel === 'hotline' || channel === 'app' || channel === 'web';
  // Inspectors photograph what they report; half of the public's app and web reports come with one.
  const photos =
    channel === 'inspector' || ((channel === 'app' || channel === 'web') && i % 2 === 0)
      ? w.photos.scene(matterCode)
      : [];
  const rep = {
    id: uuidFrom(rng),
    submitter: reporter ? reporter.id : 'system:sensor',
    idempotencyKey: `demo-${seed}-${i}`,
    channel,
    description: channel === 'sensor' ? `物联感知告警：${m.text[0]}` : text,
    rawLng,
    rawLat,
    crs,
    lng,
    lat,
    photos,
    reporterName: citizen ? pick(rng, CITIZENS) : null,
    reporterPhone: citizen ? `13${String(Math.floor(rng() * 1e9)).padStart(9, '0')}` : null,
    caseId,
    merged: false,
    createdAt,
  };
  sim.reports.push(rep);
  sim.c.createdBy = rep.submitter;
  sim.events.push({
    at: createdAt,
    actorType: reporter ? 'user' : 'system',
    actorId: reporter?.id ?? null,
    actorName: reporter?.username ?? 'sensor',
    actorOrgId: reporter?.orgId ?? null,
    action: 'case.report',
    entityType: 'case',
    entityId: caseId,
    districtCode: district.code,
    after: {
      reportId: rep.id,
      channel,
      crs,
      location: { lng, lat },
      photos,
      state: 'reported',
      code: '',
    },
  });
  // Intake starts the acceptance clock and tells the acceptors (not the one who took the report).
  sim.note(createdAt, 'case.report', sim.create(createdAt), reporter?.id ?? null);
  drive(sim, target, w, rng);
  if (target === 'merged' && mergeTarget) {
    // Its reporters are kept informed through the surviving case.
    for (const r of sim.reports) {
      r.caseId = mergeTarget.c.id;
      r.merged = true;
    }
  }
  return sim;
}
