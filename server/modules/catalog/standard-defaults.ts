/**
 * Default disposal standards (立结案规范) seeded for every matter type, marked `isDefault`.
 *
 * A city replaces them with its own text through the standard editor (each edit is a new
 * version). The defaults follow the practice of Chinese digital city-management centres:
 * - anomalies of components (majors 01–05) are repaired in working days, a lost or open manhole
 *   cover is made safe within urgent working hours (紧急工作时);
 * - 市容环境 (06) problems such as exposed waste are cleared within working hours
 *   (暴露垃圾 4 工作时 in area A; 道路不洁 2 工作时), greenery within working days (5 工作日);
 * - 街面秩序 (09) problems are dealt with on the spot: 2 工作时 in area A;
 * - area classes B (general) and C (outer) get longer limits than A (the dense centre);
 * - an urgent case always counts in 紧急工作时 (urgent_hour).
 *
 * Read the table top to bottom: the major-class row gives the default, an override row for a
 * type code replaces the fields it names.
 */
import type { TimeUnit } from '../../../common/time-units.ts';
import type { FilingCondition, TimeLimit } from './tables.ts';

type Triple = readonly [a: number, b: number, c: number];

export interface DefaultStandard {
  filingConditions: FilingCondition[];
  timeLimits: TimeLimit[];
  closingConditions: { id: string; text: string }[];
  defaultUnitType: string;
}

interface Rule {
  /** Normal urgency: the unit and the amounts for areas A, B, C. */
  normal: [TimeUnit, Triple];
  /** Urgent: amounts in urgent_hour for areas A, B, C. */
  urgent: Triple;
  filing?: string[];
  closing?: string[];
  unitType?: string;
}

const COMPONENT_FILING = ['{name}：部件丢失、破损、移位、倾斜或功能失效', '部件存在安全隐患或影响正常使用'];
const COMPONENT_CLOSING = ['部件已修复、补齐或更换，功能恢复正常', '现场已清理，处置前后照片可比对'];
const MATTER_FILING = ['在公共区域发现“{name}”，影响市容、通行或公共安全'];
const MATTER_CLOSING = ['问题已消除，现场恢复整洁有序', '处置前后照片可比对'];

/** Defaults per matter major class. */
const BY_MAJOR: Record<string, Rule> = {
  // 市政公用设施类: utilities repair in working days; urgent (danger to people) within hours.
  '01': { normal: ['work_day', [2, 3, 5]], urgent: [2, 4, 4], unitType: 'municipal' },
  // 交通设施类: signs, guardrails, bridges.
  '02': { normal: ['work_day', [2, 3, 5]], urgent: [2, 4, 4], unitType: 'transport' },
  // 市容环卫设施类: toilets, bins, billboards.
  '03': { normal: ['work_day', [1, 2, 3]], urgent: [4, 6, 8], unitType: 'sanitation' },
  // 园林绿化设施类: 5 工作日 like 绿地养护 (dead or missing vegetation).
  '04': { normal: ['work_day', [5, 5, 7]], urgent: [4, 6, 8], unitType: 'greening' },
  // 其他管理部件类.
  '05': { normal: ['work_day', [3, 5, 7]], urgent: [8, 12, 24], unitType: 'municipal' },
  // 市容环境类: cleaning within working hours.
  '06': { normal: ['work_hour', [8, 12, 16]], urgent: [2, 4, 4], unitType: 'sanitation' },
  // 宣传广告类.
  '07': { normal: ['work_day', [2, 3, 5]], urgent: [4, 6, 8], unitType: 'enforcement' },
  // 施工管理类.
  '08': { normal: ['work_day', [1, 2, 3]], urgent: [2, 4, 4], unitType: 'construction' },
  // 街面秩序类: 2 工作时 in area A.
  '09': { normal: ['work_hour', [2, 4, 6]], urgent: [1, 1, 2], unitType: 'enforcement' },
  // 其他事项类.
  '10': { normal: ['work_hour', [4, 8, 12]], urgent: [1, 2, 2], unitType: 'municipal' },
  // 本地扩展 (types a city adds).
  '99': { normal: ['work_day', [3, 5, 7]], urgent: [4, 8, 8], unitType: 'municipal' },
};

const COVER_RULE: Rule = {
  normal: ['work_hour', [8, 12, 16]],
  // A missing cover is a hole in the road: guard it and replace it within 1–2 紧急工作时.
  urgent: [1, 2, 2],
  filing: ['{name}：井盖（箅子）丢失、破损、移位、凹凸不平或有响动', '井盖缺失或塌陷的，立即按紧急案件处理'],
  closing: ['井盖（箅子）已补齐或更换，平稳牢固，与路面平齐', '现场警示设施已撤除'],
};

/** Per-type overrides: only the fields named replace the major-class row. */
const BY_CODE: Record<string, Partial<Rule>> = {
  '06001': { normal: ['work_day', [5, 7, 10]], urgent: [8, 12, 24], unitType: 'enforcement' }, // 私搭乱建
  '06002': { normal: ['work_day', [3, 5, 7]], unitType: 'enforcement' }, // 店面无证装修
  '06010': {
    // 暴露垃圾 — the example row of domain.md: waste not in containers on a main road, 4 工作时.
    normal: ['work_hour', [4, 6, 8]],
    filing: ['主次干道、广场等公共场所有垃圾未入容器', '暴露垃圾面积超过 0.5 平方米或成堆'],
    closing: ['垃圾完全清除，地面无残留', '处置前后照片可比对'],
  },
  '06011': { normal: ['work_hour', [4, 8, 12]] }, // 积存垃圾渣土
  '06012': {
    // 道路不洁 — public place dirty after 08:00, 2 工作时.
    normal: ['work_hour', [2, 4, 6]],
    filing: ['08:00 以后公共场所、道路有明显污渍、垃圾或积水'],
    closing: ['路面干净，无垃圾、污渍、积水'],
  },
  '06013': { normal: ['work_day', [3, 5, 7]], unitType: 'municipal' }, // 道路破损
  '06014': { normal: ['work_hour', [2, 4, 6]] }, // 道路遗撒
  '06016': { normal: ['work_day', [3, 5, 7]], unitType: 'transport' }, // 交通标线不清晰
  '06017': { normal: ['work_hour', [4, 8, 12]], unitType: 'greening' }, // 绿地脏乱
  '06018': { normal: ['work_hour', [8, 12, 16]], unitType: 'greening' }, // 绿化弃料
  '06021': { normal: ['work_day', [5, 5, 7]], unitType: 'greening' }, // 病虫害
  '06022': { normal: ['work_hour', [4, 8, 8]], unitType: 'greening' }, // 非法伐树
  '06037': { normal: ['work_hour', [2, 4, 4]] }, // 动物尸体
  '06042': { normal: ['work_hour', [2, 4, 6]] }, // 垃圾站（箱）满溢
  '06045': { normal: ['work_day', [3, 5, 7]], unitType: 'greening' }, // 非法占绿毁绿
  '07001': { normal: ['work_hour', [4, 8, 12]] }, // 非法小广告
  '07003': { normal: ['work_day', [5, 7, 10]] }, // 违规户外广告
  '08004': { normal: ['work_hour', [4, 8, 8]] }, // 工地扬尘
  '08016': { normal: ['work_day', [5, 7, 10]], unitType: 'enforcement' }, // 无证建设
  '09009': { unitType: 'traffic_police' }, // 机动车乱停放
  '09015': { normal: ['work_day', [3, 5, 5]] }, // 无证餐饮
  '09016': { normal: ['work_day', [5, 7, 10]] }, // 违规设置停车场
  '09017': { normal: ['work_day', [5, 7, 10]] }, // 违规占用桥下空间
  '10001': { normal: ['work_hour', [4, 8, 12]], urgent: [2, 4, 4] }, // 道路积雪、结冰
};

/** Words of a filing condition that make the case urgent (the condition is marked `urgent`). */
const URGENT_WORDS = '立即按紧急案件处理';

/** The kind of unit usually responsible, from keywords of a component anomaly's name. */
const UNIT_BY_NAME: [RegExp, string][] = [
  [/供水|水井|供水器|水鹤|水塔/, 'water'],
  [/污水|雨水|化粪池|排水|中水|排放口|防汛/, 'drainage'],
  [/路灯|地灯|景观灯/, 'street_lighting'],
  [/电力|变压器|高压线|电缆|充电桩/, 'power'],
  [/通信|电视|网络|电话亭|基站/, 'telecom'],
  [/燃气|输油|热力|供热/, 'gas_heat'],
  [/公安|治安|监控/, 'police'],
  [/消防/, 'fire'],
  [/信号灯|交通信号|交通岗亭/, 'traffic_police'],
  [/文物/, 'culture'],
];

const isCover = (name: string) => /井盖|雨水箅子|沟槽盖板/.test(name);

function limits(rule: Rule): TimeLimit[] {
  const out: TimeLimit[] = [];
  (['A', 'B', 'C'] as const).forEach((areaClass, i) => {
    out.push({ areaClass, urgency: 'normal', amount: rule.normal[1][i], unit: rule.normal[0] });
    out.push({ areaClass, urgency: 'urgent', amount: rule.urgent[i], unit: 'urgent_hour' });
  });
  return out;
}

const numbered = (prefix: string, texts: string[], name: string) =>
  texts.map((text, i) => ({ id: `${prefix}${i + 1}`, text: text.replaceAll('{name}', name) }));
const numberedFiling = (texts: string[], name: string): FilingCondition[] =>
  numbered('f', texts, name).map((c) => (c.text.includes(URGENT_WORDS) ? { ...c, urgent: true } : c));

/** The default standard of one matter type. */
export function defaultStandardFor(matter: {
  code: string;
  name: string;
  majorCode: string;
}): DefaultStandard {
  const isComponentAnomaly = Number(matter.majorCode) >= 1 && Number(matter.majorCode) <= 5;
  const base: Rule = {
    filing: isComponentAnomaly ? COMPONENT_FILING : MATTER_FILING,
    closing: isComponentAnomaly ? COMPONENT_CLOSING : MATTER_CLOSING,
    ...(BY_MAJOR[matter.majorCode] ?? BY_MAJOR['99']),
  };
  const cover = isComponentAnomaly && isCover(matter.name) ? COVER_RULE : {};
  const rule: Rule = { ...base, ...cover, ...BY_CODE[matter.code] };
  const byName = isComponentAnomaly ? UNIT_BY_NAME.find(([re]) => re.test(matter.name))?.[1] : undefined;
  return {
    filingConditions: numberedFiling(rule.filing ?? MATTER_FILING, matter.name),
    timeLimits: limits(rule),
    closingConditions: numbered('c', rule.closing ?? MATTER_CLOSING, matter.name),
    defaultUnitType: BY_CODE[matter.code]?.unitType ?? byName ?? rule.unitType ?? 'municipal',
  };
}
