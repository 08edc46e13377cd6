/**
 * One catalogue of errors: a stable code, an HTTP status and a message in Chinese and English.
 * Services throw AppError; the handler in http-errors.ts renders
 * `{ "error": { "code", "message", "details" } }` in the caller's language.
 */

export const ERRORS = {
  BAD_REQUEST: { status: 400, zh: '请求无效', en: 'Bad request' },
  VALIDATION_FAILED: { status: 400, zh: '请求参数校验失败', en: 'Request validation failed' },
  MALFORMED_JSON: { status: 400, zh: '请求体不是有效的 JSON', en: 'Request body is not valid JSON' },
  // Valid JSON with a key that could reach an object's prototype (platform/json-body.ts).
  UNSAFE_JSON_KEY: {
    status: 400,
    zh: 'JSON 中不允许使用 __proto__、constructor 这类键名（它们可改写对象的原型）',
    en: 'Key names such as __proto__ and constructor are not allowed in JSON (they can rewrite object prototypes)',
  },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体过大', en: 'Request body too large' },
  AUTH_REQUIRED: { status: 401, zh: '请先登录', en: 'Authentication required' },
  AUTH_INVALID_TOKEN: { status: 401, zh: '令牌无效或已注销', en: 'Token is invalid or revoked' },
  AUTH_TOKEN_EXPIRED: {
    status: 401,
    zh: '登录已过期，请重新登录',
    en: 'Token has expired, please log in again',
  },
  // The one answer for every failed login (unknown, disabled, held back or wrong password).
  AUTH_INVALID_CREDENTIALS: {
    status: 401,
    zh: '用户名或密码错误；多次失败后需稍候再试',
    en: 'Wrong username or password; after repeated failures, wait a while before trying again',
  },
  SIGNATURE_INVALID: {
    status: 401,
    zh: '请求签名缺失、无效或已过期',
    en: 'Request signature is missing, invalid or expired',
  },
  AUTH_ACCOUNT_DISABLED: { status: 403, zh: '账号已停用', en: 'Account is disabled' },
  AUTH_WRONG_PASSWORD: { status: 400, zh: '当前密码不正确', en: 'Current password is wrong' },
  PASSWORD_TOO_WEAK: {
    status: 400,
    zh: '密码至少 8 位，且须同时包含字母和数字',
    en: 'Password needs at least 8 characters with letters and digits',
  },
  FORBIDDEN: { status: 403, zh: '无权执行此操作', en: 'You are not allowed to do this' },
  // The grant rule (identity/grants.ts): nobody hands out or manages more than they hold.
  GRANT_EXCEEDS_OWN: {
    status: 403,
    zh: '不能授予自己不具备的角色、权限或管辖范围',
    en: 'You cannot grant a role, permission or scope you do not hold yourself',
  },
  ACCOUNT_EXCEEDS_OWN: {
    status: 403,
    zh: '不能修改、停用或重置权限或管辖范围大于自己的账号',
    en: 'You cannot change, disable or reset an account that holds more than you do',
  },
  // web-security.ts: a cookie-carrying write whose Origin / Sec-Fetch-Site is not this site (CSRF).
  CROSS_SITE_REQUEST: {
    status: 403,
    zh: '拒绝来自其他站点的请求：请在本系统页面内操作',
    en: 'Request from another site refused; use the application itself',
  },
  NOT_FOUND: { status: 404, zh: '资源不存在', en: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such route' },
  CONFLICT: {
    status: 409,
    zh: '数据已被他人修改，请刷新后重试',
    en: 'The record was changed by someone else; reload and try again',
  },
  // A retry under an idempotency key that says something else than the key's first request
  // (platform/idempotency.ts).
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    zh: '该幂等键已用于内容不同的请求',
    en: 'This idempotency key was already used for a request with different content',
  },
  DUPLICATE: { status: 409, zh: '已存在相同的记录', en: 'A record with the same key already exists' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; slow down' },
  INVALID_REFERENCE: {
    status: 422,
    zh: '引用的对象不存在或不可用',
    en: 'A referenced record does not exist',
  },
  UNPROCESSABLE: { status: 422, zh: '请求无法处理', en: 'The request cannot be processed' },
  // An outbound URL (a unit's endpoint, later webhooks and connectors) the platform will not call.
  OUTBOUND_URL_REFUSED: {
    status: 422,
    zh: '该地址不能作为对外发送的目标',
    en: 'Outbound calls may not go to this URL',
  },
  OUTSIDE_MANAGED_AREA: {
    status: 422,
    zh: '该坐标不在本市管理范围（任何单元网格）内',
    en: 'The point is outside the managed area (no unit grid contains it)',
  },
  // A district's staff (or a district's unit) asking about a place of another district: the base
  // map is shared, so the grid is no secret, but its routing is that district's business.
  OUTSIDE_DISTRICT: {
    status: 403,
    zh: '该网格不在您的辖区',
    en: 'This grid is outside your district',
  },
  OUTSIDE_SCOPE: {
    status: 422,
    zh: '该位置不在您的管辖范围内',
    en: 'The location is outside your area of responsibility',
  },
  // The case loop: the transition table (common/workflow.ts) refused an action.
  WORKFLOW_ACTION_NOT_ALLOWED: {
    status: 409,
    zh: '案件当前状态不允许此操作',
    en: "The action is not allowed in the case's current state",
  },
  WORKFLOW_ROLE_NOT_ALLOWED: {
    status: 403,
    zh: '您的角色不能执行此操作',
    en: 'Your role may not take this action',
  },
  WORKFLOW_ORG_LEVEL_NOT_ALLOWED: {
    status: 403,
    zh: '您所在层级的组织不能执行此操作',
    en: "Your organisation's level may not take this action",
  },
  WORKFLOW_GUARD_FAILED: { status: 422, zh: '不满足操作条件', en: 'A condition of the action is not met' },
  WORKFLOW_FIELD_REQUIRED: { status: 400, zh: '缺少必填项', en: 'A required field is missing' },
  // The case list's export (GET /api/cases/export) holds at most a set number of rows.
  EXPORT_TOO_LARGE: {
    status: 422,
    zh: '导出的案件过多，请缩小筛选范围后再导出',
    en: 'Too many cases to export; narrow the filter and try again',
  },
  // The base map (basemap module): an archive, a style or a tile source the platform will not use.
  BASEMAP_ARCHIVE_REFUSED: {
    status: 422,
    zh: '底图文件无法使用',
    en: 'The base map archive cannot be used',
  },
  BASEMAP_STYLE_REFUSED: {
    status: 422,
    zh: '底图样式无法使用',
    en: 'The base map style cannot be used',
  },
  BASEMAP_SOURCE_REFUSED: {
    status: 422,
    zh: '该在线底图不能使用',
    en: 'This online base map cannot be used',
  },
  // A byte range of a file (a base map archive) that cannot be served: past the end, malformed, or
  // several at once.
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    zh: '请求的字节范围无法提供',
    en: 'The requested byte range cannot be served',
  },
  SERVICE_UNAVAILABLE: { status: 503, zh: '服务暂不可用', en: 'Service unavailable' },
  INTERNAL: { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorDetail {
  /** The field the problem is about, as a JSON pointer-ish path like `body.roles[0]`. */
  field?: string;
  message: string;
  [k: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[];
  /** The details as Chinese callers read them (same fields, Chinese messages), when they differ. */
  readonly detailsZh?: ErrorDetail[];
  /** Overrides the catalogue text when the situation needs a more precise sentence. */
  readonly zh?: string;
  readonly en?: string;
  /** For a refusal that ends at a known time (a 429's window): seconds until then, sent as Retry-After. */
  readonly retryAfterSeconds?: number;

  constructor(
    code: ErrorCode,
    opts: {
      details?: ErrorDetail[];
      detailsZh?: ErrorDetail[];
      zh?: string;
      en?: string;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(opts.en ?? ERRORS[code].en);
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = opts.details ?? [];
    this.detailsZh = opts.detailsZh;
    this.zh = opts.zh;
    this.en = opts.en;
    if (opts.retryAfterSeconds !== undefined)
      this.retryAfterSeconds = Math.max(1, Math.ceil(opts.retryAfterSeconds));
  }
}

/** What a 404 names, in each language ("案件不存在：…" / "Case not found: …"). */
export const ENTITY_NAMES = {
  apiKey: { zh: 'API 密钥', en: 'API key' },
  baseMapArchive: { zh: '底图文件', en: 'Base map archive' },
  case: { zh: '案件', en: 'Case' },
  collection: { zh: '要素集合', en: 'Collection' },
  component: { zh: '部件', en: 'Component' },
  delivery: { zh: '投递', en: 'Delivery' },
  disposalStandard: { zh: '立结案规范', en: 'Disposal standard' },
  district: { zh: '区', en: 'District' },
  division: { zh: '行政区划', en: 'Division' },
  feature: { zh: '要素', en: 'Feature' },
  grid: { zh: '单元网格', en: 'Grid' },
  importJob: { zh: '导入任务', en: 'Import job' },
  notification: { zh: '通知', en: 'Notification' },
  organisation: { zh: '组织', en: 'Organisation' },
  photo: { zh: '照片', en: 'Photo' },
  report: { zh: '上报', en: 'Report' },
  routingRule: { zh: '责任规则', en: 'Routing rule' },
  savedFilter: { zh: '保存的筛选', en: 'Saved filter' },
  type: { zh: '类型', en: 'Type' },
  unit: { zh: '单位', en: 'Unit' },
  user: { zh: '用户', en: 'User' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type EntityName = keyof typeof ENTITY_NAMES;
/** The old form, Chinese and English in one string; split at the first "/". */

/**
 * 404 for a record the caller cannot see (or that does not exist: the two are not told apart).
 * `what` is a key of ENTITY_NAMES, or `{ zh, en }` for a one-off name.
 */
export function notFound(what: EntityName | { zh: string; en: string }, id: string): AppError {
  const name = typeof what === 'object' ? what : ENTITY_NAMES[what];
  return new AppError('NOT_FOUND', {
    zh: `${name.zh}不存在：${id}`,
    en: `${name.en} not found: ${id}`,
    details: [{ field: 'id', message: id }],
  });
}

export function messageFor(err: AppError, lang: 'zh' | 'en'): string {
  if (lang === 'zh') return err.zh ?? ERRORS[err.code].zh;
  return err.en ?? ERRORS[err.code].en;
}

/**
 * The details in the caller's language: the Chinese ones when the error has them; otherwise a
 * detail that only repeats the error's English sentence (the services' `invalid(field, zh, en)`)
 * reads the Chinese sentence instead.
 */
export function detailsFor(err: AppError, lang: 'zh' | 'en'): ErrorDetail[] {
  if (lang === 'en') return err.details;
  if (err.detailsZh) return err.detailsZh;
  const { zh, en } = err;
  if (zh === undefined || en === undefined) return err.details;
  return err.details.map((d) => (d.message === en ? { ...d, message: zh } : d));
}

/** Picks zh or en from an Accept-Language header; Chinese is the default. */
export function languageOf(acceptLanguage: string | undefined): 'zh' | 'en' {
  if (!acceptLanguage) return 'zh';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
