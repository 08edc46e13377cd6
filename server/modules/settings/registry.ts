/**
 * The settings a city changes at run time (a row each in the `setting` table), with their shape,
 * their default and what they mean. Only these keys exist: a key not listed here is refused, and
 * a value is written only when it fits its key's schema (and its extra rule, if any).
 */
import { type Static, type TSchema, Type } from 'typebox';
import type { AuditEntityType } from '../../../common/audit-vocabulary.ts';
import { DEFAULT_WINDOWS, parseClock, TIME_UNITS, type WorkWindow } from '../../../common/calendar/index.ts';
import { DEFAULT_DUPLICATE_RULE, DUPLICATE_FAMILY_CODES } from '../../../common/duplicates.ts';
import { TERMINAL_ALARM_KINDS } from '../../../common/gps-alarms.ts';
import { OFFLINE_ACTIONS, type OfflineAction } from '../../../common/sensors.ts';
import type { ErrorDetail } from '../../platform/errors.ts';
import { StringEnum } from '../../platform/schemas.ts';

const Clock = Type.String({
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$',
  description: 'HH:MM, China time',
});

export const WindowsValue = Type.Array(
  Type.Object({ start: Clock, end: Clock }, { additionalProperties: false }),
  { minItems: 1, maxItems: 6, description: 'Working windows of a working day, ascending, non-overlapping' },
);

const Limit = Type.Object(
  {
    amount: Type.Number({ exclusiveMinimum: 0, maximum: 10000 }),
    unit: StringEnum(TIME_UNITS),
  },
  { additionalProperties: false },
);

/** Stages whose limit is a city setting (the disposal stage's limit comes from the disposal standard). */
export const LIMITED_STAGES = [
  'accept',
  'verify',
  'filing',
  'dispatch',
  'coordinate',
  'check',
  'close',
] as const;
/**
 * Stages added after cities stored their limits: a stored value without them stays valid and the
 * stage takes its default (cases/config.ts) until the city sets it.
 */
export const LATER_LIMITED_STAGES = ['rework'] as const;
export type LimitedStage = (typeof LIMITED_STAGES)[number] | (typeof LATER_LIMITED_STAGES)[number];
const OptionalLimit = Type.Optional(Limit);

export const StageLimitsValue = Type.Object(
  {
    ...(Object.fromEntries(LIMITED_STAGES.map((s) => [s, Limit])) as Record<
      (typeof LIMITED_STAGES)[number],
      typeof Limit
    >),
    ...(Object.fromEntries(LATER_LIMITED_STAGES.map((s) => [s, OptionalLimit])) as Record<
      (typeof LATER_LIMITED_STAGES)[number],
      typeof OptionalLimit
    >),
  },
  { additionalProperties: false },
);
export type StageLimits = Static<typeof StageLimitsValue>;

const DuplicateWindowValue = Type.Object(
  {
    radiusM: Type.Number({ minimum: 1, maximum: 10000, description: 'metres' }),
    windowHours: Type.Number({ exclusiveMinimum: 0, maximum: 8760, description: 'hours (at most a year)' }),
  },
  { additionalProperties: false },
);

/**
 * The duplicate rule (common/duplicates.ts): a radius and window for types of a family without
 * its own, the families' own (`families`, keyed by major category), and the classifier's floor for
 * a report without a type. Values stored before `families` and `minSuggestionScore` existed (just
 * `radiusM` and `windowHours`) stay valid: the defaults fill in.
 */
export const DuplicateValue = Type.Object(
  {
    radiusM: DuplicateWindowValue.properties.radiusM,
    windowHours: DuplicateWindowValue.properties.windowHours,
    minSuggestionScore: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description:
          "the classifier's share of belief a report without a type needs to be checked as its first suggestion",
      }),
    ),
    families: Type.Optional(
      Type.Record(Type.String(), DuplicateWindowValue, {
        description: 'radius and window per family (major category code 01 … 10, 99 for local types)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Family keys a JSON schema cannot list with their own message: only the catalogue's majors. */
function duplicateProblems(v: Static<typeof DuplicateValue>): SettingProblem[] {
  return Object.keys(v.families ?? {})
    .filter((k) => !(DUPLICATE_FAMILY_CODES as readonly string[]).includes(k))
    .map((k) => ({
      field: `.families.${k}`,
      message: `unknown family ${k}: one of ${DUPLICATE_FAMILY_CODES.join(', ')} (the matter type's major category)`,
      zh: `未知的大类 ${k}：应为 ${DUPLICATE_FAMILY_CODES.join('、')} 之一（事项类型的大类）`,
    }));
}

const Phone = Type.String({ pattern: '^\\d{3,20}$' });
export const HotlineValue = Type.Object(
  { city: Phone, legacy: Type.Array(Phone, { maxItems: 20, uniqueItems: true }) },
  { additionalProperties: false },
);

/**
 * What one import may cost (the imports module reads them when a job starts): an upload is at most
 * 50 MB, but a zip can inflate a thousandfold and one polygon can hold millions of vertices, whose
 * parsing and clipping take memory and seconds in proportion. Past a limit the file is refused
 * with a row-level finding before the expensive part starts.
 */
export const ImportLimitsValue = Type.Object(
  {
    maxUncompressedBytes: Type.Integer({
      minimum: 1_048_576,
      maximum: 2_147_483_648,
      description: 'largest total size of the files in an upload once unzipped (a GeoJSON file: its size)',
    }),
    maxCompressionRatio: Type.Number({
      minimum: 2,
      maximum: 1100,
      description: 'largest uncompressed ÷ compressed size of any one entry of a zip',
    }),
    maxVerticesPerFeature: Type.Integer({
      minimum: 5,
      maximum: 500_000,
      description: 'most coordinates in one feature (division, grid or component)',
    }),
    maxVerticesPerFile: Type.Integer({
      minimum: 5,
      maximum: 20_000_000,
      description: 'most coordinates in one file, every feature counting at least one',
    }),
  },
  { additionalProperties: false },
);
export type ImportLimits = Static<typeof ImportLimitsValue>;

/** How online-opinion posts are judged (the opinion module reads it at every poll and decision). */
export const OpinionMatchingValue = Type.Object(
  {
    relevantTypeScore: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description:
        'a post whose best matter type scores at least this is relevant (so is one naming a place in the city)',
    }),
    autoLinkTypeScore: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description:
        'a placed post whose best matter type scores at least this is linked by itself to an open case of that ' +
        'type within the duplicate radius (case.duplicate)',
    }),
    candidateRadiusM: Type.Number({
      exclusiveMinimum: 0,
      maximum: 5000,
      description: 'how far from the post’s place the open cases offered for a manual link may be',
    }),
  },
  { additionalProperties: false },
);
export type OpinionMatching = Static<typeof OpinionMatchingValue>;

/**
 * The early warning's rules (预警, server/modules/warning): the window and the baseline it is
 * compared with, the test and its sensitivity, the smallest count worth a warning, and when a
 * unit's open disposals are a risk. The reasons for the defaults are in docs/ARCHITECTURE.md.
 */
export const WarningRulesValue = Type.Object(
  {
    windowDays: Type.Integer({
      minimum: 1,
      maximum: 28,
      description: 'days of the current window (rolling, up to the moment of the run)',
    }),
    baselinePeriods: Type.Integer({
      minimum: 2,
      maximum: 52,
      description: 'windows of the same length before it that make the baseline',
    }),
    method: StringEnum(['poisson', 'ewma'] as const, 'the test: Poisson upper tail or EWMA control limit'),
    alpha: Type.Number({
      exclusiveMinimum: 0,
      maximum: 0.2,
      description: 'Poisson: a count whose upper-tail probability is below this is a warning',
    }),
    ewmaWeight: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description: 'EWMA: weight of the newest window (λ)',
    }),
    ewmaMultiplier: Type.Number({
      exclusiveMinimum: 0,
      maximum: 10,
      description: 'EWMA: the control limit in standard deviations (L)',
    }),
    minCount: Type.Integer({
      minimum: 1,
      maximum: 10000,
      description: 'fewest cases in the window for a warning (1 → 2 is no warning)',
    }),
    minBaselineMean: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1000,
      description:
        'floor of the baseline mean per window, so a subject without history does not warn at once',
    }),
    unitMinCases: Type.Integer({
      minimum: 1,
      maximum: 10000,
      description: "a unit's open disposals of a district in yellow or overdue before it is a risk",
    }),
    unitMinShare: Type.Number({
      minimum: 0,
      maximum: 1,
      description: "…and their share of the unit's open disposals of that district",
    }),
  },
  { additionalProperties: false },
);
export type WarningRules = Static<typeof WarningRulesValue>;

export interface SettingDef {
  schema: TSchema;
  default: unknown;
  /** What the setting means (shown in the API and the admin UI). */
  description: string;
  /** The audit trail's entity type for writes (other nodes reload caches by it). */
  entityType: AuditEntityType;
  /** Rules a JSON schema cannot say; returns problems with fields relative to the value. */
  check?: (value: unknown) => SettingProblem[];
}

/** A problem a `check` finds: the field relative to the value, and the rule in both languages. */
export type SettingProblem = ErrorDetail & { message: string; zh: string };

/** Ascending, non-overlapping windows inside one day. */
export function windowProblems(windows: readonly WorkWindow[]): SettingProblem[] {
  const out: SettingProblem[] = [];
  let prevEnd = -1;
  windows.forEach((w, i) => {
    const s = parseClock(w.start);
    const e = parseClock(w.end);
    if (s >= e)
      out.push({ field: `.${i}.end`, message: 'must be later than start', zh: '结束时间应晚于开始时间' });
    else if (s < prevEnd)
      out.push({
        field: `.${i}.start`,
        message: 'overlaps or precedes the previous window',
        zh: '与前一个时段重叠或早于前一个时段',
      });
    prevEnd = Math.max(prevEnd, e);
  });
  return out;
}

export const SETTINGS = {
  /** Working windows (工作时) of every working day, China time. Default 08:00–12:00, 14:00–18:00. */
  'calendar.windows': {
    schema: WindowsValue,
    default: DEFAULT_WINDOWS.map((w) => ({ ...w })),
    description: '工作时段（北京时间）/ working windows of a working day, China time',
    entityType: 'calendar',
    check: (v) => windowProblems(v as WorkWindow[]),
  },
  /** Share of a stage's time after which its light turns yellow and the warning fires (0–1). */
  'case.warnShare': {
    schema: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    default: 0.8,
    description: '预警阈值（已用时限比例）/ share of a time limit used before the yellow light',
    entityType: 'setting',
  },
  /**
   * Limits of the stages that do not come from the disposal standard. Units are explicit:
   * verify 24 紧急工作时 (continuous clock hours: an inspector verifies within a day, nights
   * included), check 2 工作时, accept / filing / dispatch / close 1 工作时, coordinate (city
   * coordination of an escalated case) 1 工作日, rework (the dispatcher's order after a failed
   * check) 1 工作时.
   */
  'case.stageLimits': {
    schema: StageLimitsValue,
    default: {
      accept: { amount: 1, unit: 'work_hour' },
      verify: { amount: 24, unit: 'urgent_hour' },
      filing: { amount: 1, unit: 'work_hour' },
      dispatch: { amount: 1, unit: 'work_hour' },
      coordinate: { amount: 1, unit: 'work_day' },
      check: { amount: 2, unit: 'work_hour' },
      rework: { amount: 1, unit: 'work_hour' },
      close: { amount: 1, unit: 'work_hour' },
    } satisfies StageLimits,
    description: '各环节时限 / time limit of each stage (the disposal limit comes from the standard)',
    entityType: 'setting',
  },
  /**
   * Duplicate reports: the same matter type within its family's radius (metres) and window
   * (hours); the defaults per family and why are in common/duplicates.ts.
   */
  'case.duplicate': {
    schema: DuplicateValue,
    default: structuredClone(DEFAULT_DUPLICATE_RULE),
    description:
      '重复案件判定（按大类的半径米、时间窗小时；无类型上报按智能分类首选的最低置信度）/ duplicate rule: radius in metres and window in hours per family; the classifier score a report without a type needs',
    entityType: 'setting',
    check: (v) => duplicateProblems(v as Static<typeof DuplicateValue>),
  },
  /** The city hotline (12345) and the legacy numbers merged into it (96310 城管, 12319 城建). */
  'hotline.numbers': {
    schema: HotlineValue,
    default: { city: '12345', legacy: ['96310', '12319'] },
    description: '热线号码（市民热线及并入的原号码）/ hotline numbers: the city line and merged legacy lines',
    entityType: 'setting',
  },
  /**
   * 不满意重办: whether a reporter's 不满意 (on the call-back or the portal's rating) of a closed
   * case reopens it — back to the dispatcher, recorded on the case's timeline with the reporter's
   * words. Off: the dissatisfaction is recorded (and counts in evaluation) and the case stays closed.
   */
  'callback.reopenOnDissatisfied': {
    schema: Type.Boolean(),
    default: true,
    description:
      '回访不满意时重新办理案件（退回派遣员）/ reopen a closed case when its reporter is dissatisfied (back to the dispatcher)',
    entityType: 'setting',
  },
  /**
   * Whether outbound calls (units' endpoints, later webhooks and connectors) may use plain
   * http://. Off: https:// only. Checked when a URL is saved and again on every call.
   */
  'outbound.allowHttp': {
    schema: Type.Boolean(),
    default: false,
    description:
      '允许以不加密的 http:// 对外发送（关闭时仅 https://）/ allow plain http:// for outbound calls (off: https:// only)',
    entityType: 'setting',
  },
  /**
   * Import limits. 200 MiB unzipped is four times the largest upload; real Shapefile zips stay
   * far below 200:1 (a DBF of blank padding reaches about 100:1, a zip bomb about 1000:1);
   * 30,000 vertices holds a detailed district boundary (a community has hundreds, a grid tens),
   * and one such row is one statement of about 1 MB — on the embedded database, which runs in the
   * server's thread, about 100 ms during which requests wait (raise it knowing that);
   * 2,000,000 vertices a file is a large district's components as points.
   */
  'imports.limits': {
    schema: ImportLimitsValue,
    default: {
      maxUncompressedBytes: 200 * 1024 * 1024,
      maxCompressionRatio: 200,
      maxVerticesPerFeature: 30_000,
      maxVerticesPerFile: 2_000_000,
    } satisfies ImportLimits,
    description:
      '导入限制（解压后总大小、单个压缩条目的压缩比、每个要素与每个文件的坐标点数）/ import limits: ' +
      'total size unzipped, compression ratio of a zip entry, vertices per feature and per file',
    entityType: 'setting',
    check: (v) => {
      const l = v as ImportLimits;
      return l.maxVerticesPerFeature > l.maxVerticesPerFile
        ? [
            {
              field: '.maxVerticesPerFeature',
              message: 'must not exceed maxVerticesPerFile',
              zh: '不能大于 maxVerticesPerFile（每个文件的坐标点数）',
            },
          ]
        : [];
    },
  },
  /**
   * What the sensors' offline sweep does besides marking a silent device offline: `mark` only,
   * `note` (also a note on the device's open alarm cases), `report` (also a report of the kind's
   * offline matter type; kinds without one are noted).
   */
  'sensors.offline': {
    schema: StringEnum(OFFLINE_ACTIONS),
    default: 'note' satisfies OfflineAction,
    description:
      '传感器离线处理：仅标记 / 在其告警案件上备注 / 另行上报 / what a silent sensor gets besides the offline mark: mark, note on its open alarm cases, or report',
    entityType: 'setting',
  },
  /** Days of sensor readings kept: older days' partitions are dropped whole. */
  'sensors.retentionDays': {
    schema: Type.Integer({ minimum: 3, maximum: 3650 }),
    default: 90,
    description: '传感器读数保留天数 / days of sensor readings kept (older days are dropped)',
    entityType: 'setting',
  },
  /**
   * Unified GPS supervision: whether a JT/T 808 terminal that is not in the registry is created
   * when it registers (0x0100; kind `other`, under the centre of the district it announces, else
   * the city centre — gps/gateway-backend.ts). Off, it is answered result 4 (终端数据库中无该终端).
   * The demo turns it on.
   */
  'gps.autoRegister': {
    schema: Type.Boolean(),
    default: false,
    description:
      'GPS终端自动登记（未登记终端注册时自动建档）/ create an unknown JT/T 808 terminal in the registry when it registers',
    entityType: 'setting',
  },
  /** Days of GPS positions kept (terminals and phones): older days' partitions are dropped whole. */
  'gps.retentionDays': {
    schema: Type.Integer({ minimum: 7, maximum: 3650 }),
    default: 180,
    description: 'GPS定位数据保留天数 / days of GPS positions kept (older days are dropped)',
    entityType: 'setting',
  },
  /**
   * The JT/T 808 terminal alarms (common/gps-alarms.ts `TERMINAL_ALARM_BITS`) that raise a case in
   * the case loop (channel `sensor`) besides the GPS alarm itself; a fence's rule says so itself
   * (`raiseCase`). None by default.
   */
  'gps.caseAlarmKinds': {
    schema: Type.Array(StringEnum(TERMINAL_ALARM_KINDS), { maxItems: 32, uniqueItems: true }),
    default: [],
    description: 'GPS终端告警中需立案的类型 / JT/T 808 terminal alarm kinds that raise a case',
    entityType: 'setting',
  },
  /**
   * Online opinion: when a post is relevant enough for the moderation queue, when it is linked to
   * an open case without anyone's decision, how far away the cases offered for a link may be. A
   * place in the text is a road or a point of interest, not a surveyed point: 500 m covers most of
   * a road's length, while the automatic link keeps the strict duplicate radius.
   */
  'opinion.matching': {
    schema: OpinionMatchingValue,
    default: {
      relevantTypeScore: 0.5,
      autoLinkTypeScore: 0.8,
      candidateRadiusM: 500,
    } satisfies OpinionMatching,
    description:
      '网络舆情判定（相关性与自动关联的类型得分阈值、候选案件半径米）/ online opinion: type-score thresholds ' +
      'of relevance and of the automatic link, radius in metres of the cases offered for a link',
    entityType: 'setting',
    check: (v) => {
      const m = v as OpinionMatching;
      return m.autoLinkTypeScore < m.relevantTypeScore
        ? [
            {
              field: '.autoLinkTypeScore',
              message: 'must not be below relevantTypeScore',
              zh: '不能小于 relevantTypeScore（相关性阈值）',
            },
          ]
        : [];
    },
  },
  /**
   * Early warning (预警): a week against the eight before it, Poisson upper tail below 0.001, at
   * least five cases; a unit with three or more open disposals of a district in yellow or
   * overdue, a third of its open ones there (docs/ARCHITECTURE.md, "Early warning").
   */
  'warning.rules': {
    schema: WarningRulesValue,
    default: {
      windowDays: 7,
      baselinePeriods: 8,
      method: 'poisson',
      alpha: 0.001,
      ewmaWeight: 0.3,
      ewmaMultiplier: 3,
      minCount: 5,
      minBaselineMean: 0.5,
      unitMinCases: 3,
      unitMinShare: 0.3,
    } satisfies WarningRules,
    description:
      '预警规则（窗口天数、基线周期数、检验方法与灵敏度、最少起数、单位处置超期风险阈值）/ early-warning rules: ' +
      'window days, baseline windows, test and sensitivity, minimum count, thresholds of a unit’s overdue risk',
    entityType: 'setting',
  },
} as const satisfies Record<string, SettingDef>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

/** The value types, for callers of getSetting. */
export interface SettingValues {
  'calendar.windows': WorkWindow[];
  'case.warnShare': number;
  'case.stageLimits': StageLimits;
  'case.duplicate': Static<typeof DuplicateValue>;
  'hotline.numbers': Static<typeof HotlineValue>;
  'callback.reopenOnDissatisfied': boolean;
  'outbound.allowHttp': boolean;
  'imports.limits': ImportLimits;
  'sensors.offline': OfflineAction;
  'sensors.retentionDays': number;
  'gps.autoRegister': boolean;
  'gps.retentionDays': number;
  'gps.caseAlarmKinds': string[];
  'opinion.matching': OpinionMatching;
  'warning.rules': WarningRules;
}
