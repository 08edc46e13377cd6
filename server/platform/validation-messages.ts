/**
 * Chinese for the details of a request that failed schema validation. Ajv writes its messages in
 * English (kept as they are for English callers); a Chinese caller reads the same rule here, from
 * the error's keyword and params. Unknown keywords get a general sentence naming the keyword.
 *
 * The npm package ajv-i18n does the same for every keyword; this covers the ones our schemas use.
 */
import type { ErrorObject } from 'ajv';

type Params = Record<string, unknown>;

/**
 * A schema's own sentence for its field, in both languages, used instead of the rule's when any
 * rule of that field fails: `Type.String({ pattern: '\\S', [FIELD_MESSAGE]: { zh: '请填写…', en: 'Enter …' } })`.
 * For rules a person cannot read ("应匹配 \\S"); kept in the OpenAPI document as an extension.
 */
export const FIELD_MESSAGE = 'x-message';

const TYPE_NAMES: Record<string, string> = {
  string: '字符串',
  number: '数字',
  integer: '整数',
  boolean: '布尔值',
  object: '对象',
  array: '数组',
  null: '空值（null）',
};

/** What a value of each format is, said after "应为". */
const FORMAT_NAMES: Record<string, string> = {
  uuid: ' UUID',
  'date-time': '带时区的日期时间（ISO 8601，如 2026-01-31T08:00:00+08:00）',
  date: '日期（YYYY-MM-DD）',
  time: '时间（HH:mm:ss）',
  email: '电子邮箱地址',
  uri: ' URI',
  url: ' URL',
  ipv4: ' IPv4 地址',
  ipv6: ' IPv6 地址',
};

/** Longest enum that is spelled out; longer ones only say "one of the allowed values". */
const MAX_LISTED_VALUES = 12;

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function typeName(t: unknown): string {
  const names = (Array.isArray(t) ? t : String(t).split(',')).map((x) => TYPE_NAMES[String(x)] ?? String(x));
  return names.join('或');
}

const ZH: Record<string, (p: Params) => string> = {
  required: (p) => `缺少必填项 ${show(p.missingProperty)}`,
  type: (p) => `应为${typeName(p.type)}`,
  minimum: (p) => `不能小于 ${show(p.limit)}`,
  maximum: (p) => `不能大于 ${show(p.limit)}`,
  exclusiveMinimum: (p) => `应大于 ${show(p.limit)}`,
  exclusiveMaximum: (p) => `应小于 ${show(p.limit)}`,
  minLength: (p) => `不能少于 ${show(p.limit)} 个字符`,
  maxLength: (p) => `不能多于 ${show(p.limit)} 个字符`,
  pattern: (p) => `格式不正确（应匹配 ${show(p.pattern)}）`,
  format: (p) => {
    const name = Object.hasOwn(FORMAT_NAMES, String(p.format)) ? FORMAT_NAMES[String(p.format)] : undefined;
    return name ? `应为${name}` : `格式应为 ${show(p.format)}`;
  },
  enum: (p) => {
    const values = Array.isArray(p.allowedValues) ? p.allowedValues : [];
    if (values.length === 0 || values.length > MAX_LISTED_VALUES) return '应为允许的取值之一';
    return `应为以下取值之一：${values.map(show).join('、')}`;
  },
  const: (p) => `应等于 ${show(p.allowedValue)}`,
  additionalProperties: (p) => `不允许的属性 ${show(p.additionalProperty)}`,
  minItems: (p) => `不能少于 ${show(p.limit)} 项`,
  maxItems: (p) => `不能多于 ${show(p.limit)} 项`,
  uniqueItems: (p) => `不能有重复项（第 ${show(p.j)} 项与第 ${show(p.i)} 项相同）`,
  multipleOf: (p) => `应为 ${show(p.multipleOf)} 的整数倍`,
  minProperties: (p) => `不能少于 ${show(p.limit)} 个属性`,
  maxProperties: (p) => `不能多于 ${show(p.limit)} 个属性`,
  anyOf: () => '不符合任何一种允许的形式',
  oneOf: () => '应恰好符合一种允许的形式',
  not: () => '不应符合此形式',
  'false schema': () => '不允许出现',
  // Our own rule (validation.ts): PostgreSQL's text and jsonb cannot hold U+0000.
  noNul: () => '不能包含 NUL 字符（U+0000）',
};

/** The Chinese sentence for one Ajv error. */
export function zhValidationMessage(e: Pick<ErrorObject, 'keyword' | 'params'>): string {
  const say = Object.hasOwn(ZH, e.keyword) ? ZH[e.keyword] : undefined;
  return say ? say((e.params ?? {}) as Params) : `不符合校验规则（${e.keyword}）`;
}
