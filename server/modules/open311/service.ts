/**
 * Open311 GeoReport v2 over the platform: the city's matter types as services, their disposal
 * standards as service definitions, a request as a report through the one intake
 * (cases `createReport`: idempotency, grid lookup, routing, duplicate check, audit), and the
 * public view of reports as requests. Answers are plain values; routes.ts renders them as XML or
 * JSON.
 */
import { randomUUID } from 'node:crypto';
import { isBlankText } from '../../../common/blank-text.ts';
import type { Channel } from '../../../common/channels.ts';
import {
  FINAL_PUBLIC_STATUSES,
  PUBLIC_STATUS_OF,
  publicStatusLabel,
  TRACKING_CODE_PATTERN,
} from '../../../common/public-report.ts';
import type { TimeUnit } from '../../../common/time-units.ts';
import type { CaseState } from '../../../common/workflow.ts';
import type { Config } from '../../platform/config.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { requestFingerprint } from '../../platform/idempotency.ts';
import {
  createReport,
  normaliseAddress,
  type PublicReportRecord,
  publicReportIdByTrackingCode,
  publicReports,
} from '../cases/index.ts';
import { findCatalogType, getStandardForFiling, typesOfKind } from '../catalog/index.ts';
import { haversineM, type LookupHit, placeById, placeForAddress, type SpatialService } from '../geo/index.ts';
import { apiKeyActor } from '../identity/index.ts';
import { centreOf } from '../org/index.ts';
import { getSetting } from '../settings/index.ts';
import { w3cDateTime } from './format.ts';
import { channelOfKey, PUBLIC_REQUEST_CHANNELS, requireReporterKey, showsWords } from './policy.ts';
import type { RequestCreateBodyT, RequestListQueryT } from './schemas.ts';

type Lang = 'zh' | 'en';
const say = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh);

/** The spec's default window of `GET requests` and the longest range it may ask for. */
export const WINDOW_DAYS = 90;
/** The most requests one `GET requests` answers (the spec's "first 1,000"). */
export const MAX_REQUESTS = 1000;
const DAY_MS = 86_400_000;

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

// ---------------------------------------------------------------------------------------------
// Errors the spec names

/** A 400 naming the parameter at fault, in both languages. */
export function badParameter(param: string, zh: string, en: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    zh,
    en,
    details: [{ field: param, message: en }],
    detailsZh: [{ field: param, message: zh }],
  });
}

function notFound(param: string, value: string, zh: string, en: string): AppError {
  return new AppError('NOT_FOUND', {
    zh: `${zh}：${value}`,
    en: `${en}: ${value}`,
    details: [{ field: param, message: value }],
  });
}

/** An empty `jurisdiction_id` is an absent one; any other than this city's is not found (404). */
export function checkJurisdiction(config: Pick<Config, 'open311JurisdictionIds'>, id: string | undefined) {
  const v = id?.trim();
  if (!v) return;
  if (!config.open311JurisdictionIds.includes(v.toLowerCase())) {
    throw notFound(
      'jurisdiction_id',
      v,
      `本服务只服务本市（${config.open311JurisdictionIds.join('、')}），没有该辖区`,
      `This endpoint serves one city (${config.open311JurisdictionIds.join(', ')}); no such jurisdiction`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Discovery and services

async function servicesChangedAt(db: Db): Promise<Date> {
  const types = await typesOfKind(db, 'matter');
  const last = Math.max(0, ...types.map((t) => Date.parse(t.updatedAt)));
  return new Date(last);
}

export async function discovery(db: Db, baseUrl: string, lang: Lang) {
  const changeset = w3cDateTime(await servicesChangedAt(db));
  const centre = await centreOf(db, 'city', '');
  const hotline = await getSetting(db, 'hotline.numbers');
  const name = centre?.name ?? say(lang, '市智慧城管中心', 'the city centre');
  return {
    changeset,
    contact: say(
      lang,
      `${name}，市民热线 ${hotline.city}`,
      `${name} (city urban management centre), citizens' hotline ${hotline.city}`,
    ),
    key_service: say(
      lang,
      '部门或应用向市智慧城管中心申请：系统管理员在「接口密钥」页面为其所在组织签发含 case:report 权限的密钥（区级组织的密钥只能上报本区的问题）。',
      "Departments and apps ask the city centre: an administrator issues a key for their organisation on the API keys page with the case:report permission (a district organisation's key reports in its district only).",
    ),
    endpoints: [
      {
        specification: SPECIFICATION,
        url: `${baseUrl}/open311/v2`,
        changeset,
        type: 'production' as const,
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

export async function listServices(db: Db) {
  const types = (await typesOfKind(db, 'matter')).filter((t) => t.enabled);
  return types.map((t) => {
    const group = t.majorName ?? t.majorCode;
    return {
      service_code: t.code,
      service_name: t.name,
      description: `${t.name}（${group}）`,
      // Every matter type has a disposal standard to describe (service definition).
      metadata: true,
      type: 'realtime' as const,
      keywords: [t.name, group, ...(t.legacyCode ? [t.legacyCode] : [])].join(','),
      group,
    };
  });
}

const UNIT_LABELS: Readonly<Record<TimeUnit, { zh: string; en: string }>> = {
  urgent_hour: { zh: '紧急工作时', en: 'hours round the clock' },
  work_hour: { zh: '工作时', en: 'working hours' },
  work_day: { zh: '工作日', en: 'working days' },
  natural_day: { zh: '自然日', en: 'calendar days' },
};

/**
 * A service's definition: its disposal standard (立结案规范) as display-only attributes
 * (`variable: false`) — what the city counts as this problem, how soon it is fixed and when it is
 * done. The platform asks reporters nothing beyond the spec's own fields, so no attribute is input.
 */
export async function serviceDefinition(db: Db, code: string, lang: Lang) {
  const type = await findCatalogType(db, 'matter', code);
  if (!type?.enabled) throw notFound('service_code', code, '没有该服务（事项类型）', 'No such service');
  const std = await getStandardForFiling(db, code).catch((err) => {
    if (err instanceof AppError && err.status === 404) return null;
    throw err;
  });
  const attributes = [];
  if (std) {
    const limits = std.timeLimits
      .slice()
      .sort((a, b) => a.areaClass.localeCompare(b.areaClass) || a.urgency.localeCompare(b.urgency))
      .map((l) => {
        const unit = UNIT_LABELS[l.unit][lang];
        return lang === 'en'
          ? `area class ${l.areaClass}, ${l.urgency}: ${l.amount} ${unit}`
          : `${l.areaClass} 类区域${l.urgency === 'urgent' ? '紧急' : '一般'}：${l.amount} ${unit}`;
      });
    const display = (order: number, code: string, zh: string, en: string, text: string) => ({
      variable: false,
      code,
      datatype: 'text' as const,
      required: false,
      datatype_description: say(lang, zh, en),
      order,
      description: text,
    });
    attributes.push(
      display(
        1,
        'filing_conditions',
        '立案条件（仅供阅读）',
        'Filing conditions (display only)',
        std.filingConditions
          .map((c) => c.text + (c.urgent ? say(lang, '（紧急）', ' (urgent)') : ''))
          .join('；'),
      ),
      display(
        2,
        'time_limits',
        '处置时限（仅供阅读）',
        'Disposal time limits (display only)',
        limits.join('；'),
      ),
      display(
        3,
        'closing_conditions',
        '结案条件（仅供阅读）',
        'Closing conditions (display only)',
        std.closingConditions.map((c) => c.text).join('；'),
      ),
    );
  }
  return { service_code: type.code, attributes };
}

// ---------------------------------------------------------------------------------------------
// Reading requests

const OPEN_STATES_PUBLIC = (Object.keys(PUBLIC_STATUS_OF) as CaseState[]).filter(
  (s) => !FINAL_PUBLIC_STATUSES.includes(PUBLIC_STATUS_OF[s]),
);
const CLOSED_STATES_PUBLIC = (Object.keys(PUBLIC_STATUS_OF) as CaseState[]).filter((s) =>
  FINAL_PUBLIC_STATUSES.includes(PUBLIC_STATUS_OF[s]),
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A W3C date and time (ISO 8601 subset) with its zone, as the spec requires: `Z` or `±HH:MM`,
 * seconds and fractions optional. A date without a zone, or one that does not exist (Feb 30,
 * 24:00, a leap second), is refused with the parameter's name.
 */
export function parseW3cDateTime(param: string, raw: string): Date {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/i.exec(raw);
  const refuse = () =>
    badParameter(
      param,
      `${param} 应为带时区的日期时间（如 2026-04-01T00:00:00+08:00），收到：${raw}`,
      `${param} must be a date and time with a zone (e.g. 2026-04-01T00:00:00+08:00); got: ${raw}`,
    );
  if (!m) throw refuse();
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const offset = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  if (m[9] && (Number(m[10]) > 14 || Number(m[11]) > 59)) throw refuse();
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(local);
  // Date.UTC rolls Feb 30 into March and 24:00 into the next day: such dates do not exist.
  if (
    y < 1 ||
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  ) {
    throw refuse();
  }
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return new Date(local - offset * 60_000 + ms);
}

const commaList = (raw: string | undefined) => [
  ...new Set(
    (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

/** The request filter of `GET requests`, as the spec defines it, checked. */
export function requestFilter(q: RequestListQueryT, now: Date) {
  const ids = commaList(q.service_request_id);
  if (ids.length > MAX_REQUESTS) {
    throw badParameter(
      'service_request_id',
      `一次最多查询 ${MAX_REQUESTS} 个请求`,
      `At most ${MAX_REQUESTS} requests at a time`,
    );
  }
  // The ids override every other filter (the spec).
  if (ids.length > 0) return { reportIds: ids.filter((id) => UUID.test(id)) };

  const codes = commaList(q.service_code);
  if (codes.length > 100) {
    throw badParameter('service_code', '一次最多 100 个服务代码', 'At most 100 service codes at a time');
  }
  const statuses = commaList(q.status).map((s) => s.toLowerCase());
  for (const s of statuses) {
    if (s !== 'open' && s !== 'closed') {
      throw badParameter(
        'status',
        `status 只能是 open 或 closed，收到：${s}`,
        `status is open or closed; got: ${s}`,
      );
    }
  }
  const start = q.start_date ? parseW3cDateTime('start_date', q.start_date) : undefined;
  const end = q.end_date ? parseW3cDateTime('end_date', q.end_date) : undefined;
  const to = end ?? (start ? new Date(start.getTime() + WINDOW_DAYS * DAY_MS) : now);
  const from = start ?? new Date(to.getTime() - WINDOW_DAYS * DAY_MS);
  if (from > to) {
    throw badParameter('end_date', 'end_date 早于 start_date', 'end_date is before start_date');
  }
  if (to.getTime() - from.getTime() > WINDOW_DAYS * DAY_MS) {
    throw badParameter(
      'end_date',
      `日期范围不能超过 ${WINDOW_DAYS} 天`,
      `A date range may not span more than ${WINDOW_DAYS} days`,
    );
  }
  const states =
    statuses.length === 0 || statuses.length === 2
      ? undefined
      : statuses[0] === 'open'
        ? OPEN_STATES_PUBLIC
        : CLOSED_STATES_PUBLIC;
  return { matterCodes: codes.length ? codes : undefined, from, to, states };
}

/** Names each public request needs, read once per answer. */
async function namesFor(db: Db, records: readonly PublicReportRecord[]) {
  const types = new Map((await typesOfKind(db, 'matter')).map((t) => [t.code, t.name]));
  const centres = new Map<string, string | null>();
  for (const code of new Set(records.map((r) => r.districtCode))) {
    centres.set(code, (await centreOf(db, 'district', code))?.name ?? null);
  }
  return { types, centres };
}

/** The divisions a point lies in: the published address of a request whose reporter wrote none. */
const divisionAddress = (hit: LookupHit | null) =>
  hit ? `${hit.district.name}${hit.township.name}${hit.community.name}` : undefined;

function toRequest(
  r: PublicReportRecord,
  names: Awaited<ReturnType<typeof namesFor>>,
  spatial: SpatialService,
  lang: Lang,
) {
  const v = r.view;
  const closed = FINAL_PUBLIC_STATUSES.includes(v.status);
  const words = showsWords(r.caseState);
  const requested = new Date(v.createdAt);
  const notes = [publicStatusLabel(v.status, lang)];
  if (v.merged)
    notes.push(
      say(lang, '同一问题已有其他上报，合并办理', 'handled together with other reports of the same problem'),
    );
  return {
    service_request_id: v.reportId,
    status: closed ? ('closed' as const) : ('open' as const),
    status_notes: notes.join(say(lang, '；', '; ')),
    service_name: names.types.get(r.matterCode),
    service_code: r.matterCode,
    description: words ? v.description : undefined,
    agency_responsible: names.centres.get(r.districtCode) ?? undefined,
    requested_datetime: w3cDateTime(requested),
    // A request that joined an older case changed when it was made, whenever the case last did.
    updated_datetime: w3cDateTime(new Date(Math.max(r.updatedAt.getTime(), requested.getTime()))),
    expected_datetime: r.expectedAt ? w3cDateTime(r.expectedAt) : undefined,
    // The address the reporter sent (their words, shown as the description is), else the divisions.
    address: (words && r.address?.trim()) || divisionAddress(spatial.lookup(v.location.lng, v.location.lat)),
    lat: v.location.lat,
    long: v.location.lng,
    media_url: words ? (r.mediaUrl ?? undefined) : undefined,
  };
}

export async function listRequests(
  db: Db,
  spatial: SpatialService,
  config: Config,
  q: RequestListQueryT,
  lang: Lang,
) {
  checkJurisdiction(config, q.jurisdiction_id);
  const filter = requestFilter(q, new Date());
  const records = await publicReports(db, {
    channels: PUBLIC_REQUEST_CHANNELS,
    ...filter,
    limit: MAX_REQUESTS,
  });
  const names = await namesFor(db, records);
  return records.map((r) => toRequest(r, names, spatial, lang));
}

export async function getRequest(
  db: Db,
  spatial: SpatialService,
  config: Config,
  id: string,
  jurisdictionId: string | undefined,
  lang: Lang,
) {
  checkJurisdiction(config, jurisdictionId);
  const records = UUID.test(id)
    ? await publicReports(db, { channels: PUBLIC_REQUEST_CHANNELS, reportIds: [id], limit: 1 })
    : [];
  if (records.length === 0) throw notFound('service_request_id', id, '没有该请求', 'No such request');
  const names = await namesFor(db, records);
  return records.map((r) => toRequest(r, names, spatial, lang));
}

const TRACKING_CODE = new RegExp(TRACKING_CODE_PATTERN);

/** A tracking code (查询码) of a public report → its service_request_id. */
export async function resolveToken(
  db: Db,
  config: Config,
  token: string,
  jurisdictionId: string | undefined,
) {
  checkJurisdiction(config, jurisdictionId);
  const code = token.trim().toUpperCase();
  const id = TRACKING_CODE.test(code)
    ? await publicReportIdByTrackingCode(db, code, PUBLIC_REQUEST_CHANNELS)
    : undefined;
  if (!id) throw notFound('token', token, '没有该查询码的公开请求', 'No public request with this token');
  return [{ service_request_id: id, token: code }];
}

// ---------------------------------------------------------------------------------------------
// Creating a request

/**
 * Text a person typed, as the spec wants it: plain, no HTML. Control characters (other than tab
 * and line breaks) and the bidirectional overrides that make text display other than it reads
 * are refused; so is markup (a tag, see MARKUP). Nothing is stripped silently.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is refused
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
/**
 * Markup is a tag as a browser reads one: `<name …>` (a letter right after `<`, closed by `>`
 * before the next `<`), an end tag `</…`, a comment or declaration `<!…` or a processing
 * instruction `<?…`. A lone `<` in words ("a<b 坏了", "1 < 2") is no tag and is kept.
 */
const MARKUP = /<[a-z][^<>]*>|<[/!?]/i;

export function checkPlainText(param: string, value: string, allowBreaks: boolean): void {
  if (CONTROL.test(value) || (!allowBreaks && /[\r\n\t]/.test(value))) {
    throw badParameter(
      param,
      `${param} 含有控制字符或方向控制符`,
      `${param} holds control or bidirectional-override characters`,
    );
  }
  if (MARKUP.test(value)) {
    throw badParameter(
      param,
      `${param} 须为纯文本，不能含 HTML`,
      `${param} must be plain text, without HTML`,
    );
  }
}

/** A `media_url`: an absolute http(s) link without credentials. Kept as text, never fetched. */
export function checkMediaUrl(raw: string): string {
  const refuse = () =>
    badParameter(
      'media_url',
      'media_url 须为 http:// 或 https:// 开头、不含用户名密码的完整链接',
      'media_url must be a full http:// or https:// link without user name or password',
    );
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refuse();
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username ||
    url.password ||
    !url.hostname
  ) {
    throw refuse();
  }
  return url.href;
}

interface Located {
  lng: number;
  lat: number;
  address?: string;
}

/**
 * How far (metres) a request's `lat`/`long` may lie from the place its `address_id` or
 * `address_string` names before the two are taken to be different places. A gazetteer place's
 * point is one point (a square's centre, somewhere along a road), so the margin is generous.
 */
export const POSITION_ADDRESS_TOLERANCE_M = 300;

/**
 * Where the problem is: `lat` and `long` together (WGS84), else an `address_id` of the gazetteer,
 * else an `address_string` that names a place of the gazetteer (its whole name, e.g. "宁波市海曙区
 * 天一广场东门" names 天一广场; the longest such name wins, and one the text does not place in
 * a single district is ambiguous). A place's point is where it is in the gazetteer, approximate
 * for a long road. Nothing resolvable: 400 naming what to send.
 *
 * A position and an address together must agree: the place the address names (`address_id`, or
 * an `address_string` the gazetteer resolves to one place) lies within
 * POSITION_ADDRESS_TOLERANCE_M of the position, else 400 naming both. An `address_string` the
 * gazetteer cannot place is the reporter's words and is kept as they are. The request's address
 * is always what the client wrote when it wrote one.
 */
async function locate(db: Db, spatial: SpatialService, b: RequestCreateBodyT, lang: Lang): Promise<Located> {
  const address = b.address_string?.trim() || undefined;
  if (address) checkPlainText('address_string', address, false);
  if ((b.lat === undefined) !== (b.long === undefined)) {
    const missing = b.lat === undefined ? 'lat' : 'long';
    throw badParameter(missing, 'lat 与 long 须同时给出', 'lat and long go together');
  }
  const byId = b.address_id ? await placeOfId(db, spatial, b.address_id.trim()) : undefined;
  if (byId && address) checkSamePlace(address, byId);
  if (b.lat !== undefined && b.long !== undefined) {
    const lat = Number(b.lat);
    const lng = Number(b.long);
    if (!(Math.abs(lat) <= 90))
      throw badParameter('lat', 'lat 须在 -90 到 90 之间', 'lat must be within ±90');
    if (!(Math.abs(lng) <= 180))
      throw badParameter('long', 'long 须在 -180 到 180 之间', 'long must be within ±180');
    if (byId) {
      checkNear(
        { lng, lat },
        'address_id',
        `address_id ${byId.id}（${byId.name}）`,
        `address_id ${byId.id} (${byId.name})`,
        byId.point,
      );
      return { lng, lat, address: address ?? byId.name };
    }
    if (address) {
      const found = await placeForAddress(db, spatial, address);
      if (found.kind === 'one') {
        checkNear(
          { lng, lat },
          'address_string',
          `address_string“${address}”（${found.place.name}）`,
          `address_string "${address}" (${found.place.name})`,
          found.place.point,
        );
      }
    }
    return { lng, lat, address };
  }
  if (byId) return { ...byId.point, address: address ?? byId.name };
  if (address) return { ...(await resolveAddress(db, spatial, address, lang)), address };
  throw badParameter(
    'lat',
    '缺少位置：请给出 lat 与 long，或 address_string，或 address_id',
    'A location is required: lat and long, address_string or address_id',
  );
}

async function placeOfId(db: Db, spatial: SpatialService, id: string) {
  const place = await placeById(db, spatial, id);
  if (!place) {
    throw badParameter(
      'address_id',
      `地名地址库中没有该地址编号：${id}`,
      `No place with this address_id in the gazetteer: ${id}`,
    );
  }
  return place;
}

/** A position and the place an address names: within POSITION_ADDRESS_TOLERANCE_M, else 400. */
function checkNear(
  at: { lng: number; lat: number },
  param: 'address_id' | 'address_string',
  whatZh: string,
  whatEn: string,
  place: { lng: number; lat: number },
) {
  const m = haversineM(at.lng, at.lat, place.lng, place.lat);
  if (m <= POSITION_ADDRESS_TOLERANCE_M) return;
  const km = m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`;
  throw badParameter(
    param,
    `lat/long 与 ${whatZh}不是同一地点（相距约 ${km}，超过 ${POSITION_ADDRESS_TOLERANCE_M} 米）：请只给出其中一个，或使二者一致`,
    `lat/long and ${whatEn} are different places (about ${km} apart, more than ${POSITION_ADDRESS_TOLERANCE_M} m): send one of them, or make them agree`,
  );
}

/**
 * `address_id` and `address_string` together must name one place: the text, normalised as intake
 * compares addresses (cases `normaliseAddress`: width, punctuation, numerals, the district and
 * township a writer may leave out, words of nearness), contains the place's normalised name —
 * "海曙区天一广场东门" goes with 天一广场. Otherwise the request says two places and 400 names both.
 */
function checkSamePlace(address: string, place: { id: string; name: string; hit: LookupHit | null }) {
  const divisions = place.hit
    ? [place.hit.district.name, place.hit.township.name, place.hit.community.name]
    : [];
  const text = normaliseAddress(address, divisions);
  const name = normaliseAddress(place.name, divisions);
  if (name !== '' && text.includes(name)) return;
  throw badParameter(
    'address_string',
    `address_string“${address}”与 address_id ${place.id}（${place.name}）不是同一地点：请只给出其中一个，或使二者一致`,
    `address_string "${address}" and address_id ${place.id} (${place.name}) name different places: send one of them, or make them agree`,
  );
}

async function resolveAddress(db: Db, spatial: SpatialService, address: string, lang: Lang) {
  const unknown = () =>
    badParameter(
      'address_string',
      `地名地址库中找不到“${address}”所指的地点，请给出 lat 与 long`,
      `"${address}" names no place of the city's gazetteer; send lat and long`,
    );
  const found = await placeForAddress(db, spatial, address);
  if (found.kind === 'tooLong') {
    throw badParameter(
      'address_string',
      '没有经纬度时，address_string 最多 50 个字才能查找；请给出 lat 与 long',
      'Without lat and long, address_string must be at most 50 characters to be looked up; send lat and long',
    );
  }
  if (found.kind === 'none') throw unknown();
  if (found.kind === 'ambiguous') {
    const where = found.districts.join(say(lang, '、', ', '));
    throw badParameter(
      'address_string',
      `“${found.name}”在多处都有（${where}），请写明所在区或给出 lat 与 long`,
      `"${found.name}" is in several places (${where}); name the district or send lat and long`,
    );
  }
  return found.place.point;
}

/** A reporter's name as the platform keeps one: family name first for Chinese names. */
function reporterName(first: string | undefined, last: string | undefined): string | undefined {
  const f = first?.trim() ?? '';
  const l = last?.trim() ?? '';
  if (!f && !l) return undefined;
  const cjk = /[\u3400-\u9fff]/.test(f + l);
  const name = cjk ? `${l}${f}` : [f, l].filter(Boolean).join(' ');
  if ([...name].length > 50) {
    throw badParameter(
      'first_name',
      '姓名合计最多 50 个字',
      'first_name and last_name together: at most 50 characters',
    );
  }
  return name;
}

const invalidKey = (zh: string, en: string) =>
  new AppError('FORBIDDEN', { zh, en, details: [{ field: 'api_key', message: en }] });

/**
 * `POST requests`: the API key is the reporter (its organisation's channel: a unit's key a
 * department, any other an app), the request a report through the one intake. The answer names
 * the request at once (`realtime`) and gives the report's tracking code in `service_notice`.
 * `email`, `device_id` and `account_id` are accepted and not stored: the platform calls a
 * reporter back by phone and keeps nothing it does not use (`account_id` is echoed).
 */
export async function createRequest(
  db: Db,
  spatial: SpatialService,
  config: Config,
  base: RequestContext,
  b: RequestCreateBodyT,
  idempotencyKey: string | undefined,
) {
  const lang = base.lang;
  if (!b.api_key) throw invalidKey('缺少 api_key', 'api_key is required to create a request');
  const actor = await apiKeyActor(db, b.api_key.trim()).catch((err) => {
    if (err instanceof AppError && err.status === 401)
      throw invalidKey(
        'api_key 无效或已吊销',
        'Invalid or revoked api_key received -- cannot create the request',
      );
    throw err;
  });
  requireReporterKey(actor);
  checkJurisdiction(config, b.jurisdiction_id);
  const code = b.service_code.trim();
  const type = await findCatalogType(db, 'matter', code);
  if (!type?.enabled) throw notFound('service_code', code, '没有该服务（事项类型）', 'No such service');

  // The spec makes description optional: one of white space or invisible characters alone (a
  // zero-width space) is no description, and the type's name says what the request is.
  const description = b.description && !isBlankText(b.description) ? b.description.trim() : type.name;
  checkPlainText('description', description, true);
  for (const p of ['first_name', 'last_name', 'email', 'device_id', 'account_id'] as const) {
    if (b[p]) checkPlainText(p, b[p], false);
  }
  const mediaUrl = b.media_url ? checkMediaUrl(b.media_url) : undefined;
  const name = reporterName(b.first_name, b.last_name);
  const phone = b.phone?.trim() || undefined;
  const where = await locate(db, spatial, b, lang);

  const channel: Channel = channelOfKey(actor);
  const res = await createReport(db, { ...base, actor }, spatial, {
    idempotencyKey: `open311:${idempotencyKey ?? randomUUID()}`,
    channel,
    description,
    ...(where.address ? { address: where.address.slice(0, 200) } : {}),
    location: { lng: where.lng, lat: where.lat, crs: 'wgs84' },
    matterCode: type.code,
    ...(name || phone ? { reporter: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } } : {}),
    ...(mediaUrl ? { mediaUrl } : {}),
    // A retry with the Idempotency-Key must send the same form (the key aside, which is the reporter).
    sameRequest: {
      fingerprint: requestFingerprint({ ...b, api_key: undefined }),
      field: 'headers.idempotency-key',
    },
  });
  const notice = [
    say(
      lang,
      `已受理，查询码 ${res.report.trackingCode}`,
      `Received; tracking code ${res.report.trackingCode}`,
    ),
  ];
  if (res.merged)
    notice.push(
      say(lang, '附近已有同一问题在办理，已合并', 'the same problem nearby is already being handled; merged'),
    );
  return [
    {
      service_request_id: res.reportId,
      service_notice: notice.join(say(lang, '；', '; ')),
      ...(b.account_id ? { account_id: b.account_id } : {}),
    },
  ];
}
