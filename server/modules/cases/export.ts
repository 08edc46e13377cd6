/**
 * The case list as an Excel workbook (导出): the rows of `GET /api/cases` with the same filter and
 * order, every page of them, written with exceljs's streaming WorkbookWriter so memory stays flat
 * whatever the size — rows are read in batches and each is committed to the zip stream as it is
 * written. At most `exportMaxRows` rows (100,000 by default): more is refused before anything is
 * written, asking for a narrower filter. Headers and labels come from the web client's locale
 * files (Chinese, or English when the caller's language is English); times are China time.
 * The export is audited (`case.export`: the filter and the number of rows).
 */
import type { Writable } from 'node:stream';
import { count } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { CHINA_OFFSET_MS } from '../../../common/calendar/index.ts';
import en from '../../../web/src/locales/en-US.json' with { type: 'json' };
import zh from '../../../web/src/locales/zh-CN.json' with { type: 'json' };
import { recordEvent } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { findCatalogType } from '../catalog/index.ts';
import { divisionNames } from '../geo/index.ts';
import { findOrgById } from '../org/index.ts';
import { caseLight } from './dto.ts';
import { type CaseFilter, caseListOrder, caseListWhere } from './list-query.ts';
import { caseRead } from './policy.ts';
import type { CaseRow } from './repository.ts';
import { caseFile } from './tables.ts';

const BATCH = 2000;

/** The workbook's columns, in order: the key of the header under `case.export.col` and the width. */
export const EXPORT_COLUMNS = [
  ['code', 22],
  ['state', 12],
  ['light', 8],
  ['matter', 24],
  ['description', 40],
  ['address', 28],
  ['district', 10],
  ['township', 14],
  ['community', 16],
  ['grid', 18],
  ['channel', 12],
  ['stage', 10],
  ['unit', 24],
  ['dueAt', 20],
  ['urgeCount', 8],
  ['createdAt', 20],
  ['filedAt', 20],
  ['dispatchedAt', 20],
  ['closedAt', 20],
] as const;

type Locale = typeof zh;
const label = (dict: Record<string, string>, key: string | null) => (key ? (dict[key] ?? key) : null);

/** A Date whose UTC fields read China time: Excel keeps wall-clock times without a zone. */
const chinaCell = (d: Date | null) => (d ? new Date(d.getTime() + CHINA_OFFSET_MS) : null);

/** Names of matter types, units and divisions, looked up once per export. */
class Names {
  private matters = new Map<string, string>();
  private units = new Map<string, string>();
  private divisions = new Map<string, string>();
  constructor(private readonly db: Db) {}

  async load(rows: readonly CaseRow[]) {
    const codes = new Set<string>();
    for (const r of rows) {
      for (const c of [r.districtCode, r.townshipCode, r.communityCode])
        if (!this.divisions.has(c)) codes.add(c);
      if (r.matterCode && !this.matters.has(r.matterCode)) {
        const t = await findCatalogType(
          this.db,
          r.matterKind === 'component' ? 'component' : 'matter',
          r.matterCode,
        );
        this.matters.set(r.matterCode, t?.name ?? '');
      }
      if (r.unitId && !this.units.has(r.unitId)) {
        this.units.set(r.unitId, (await findOrgById(this.db, r.unitId))?.name ?? r.unitId);
      }
    }
    const found = await divisionNames(this.db, [...codes]);
    for (const c of codes) this.divisions.set(c, found.get(c) ?? c);
  }
  matter = (code: string | null) => (code ? `${code} ${this.matters.get(code) ?? ''}`.trim() : null);
  unit = (id: string | null) => (id ? (this.units.get(id) ?? id) : null);
  division = (code: string) => this.divisions.get(code) ?? code;
}

/**
 * Checks the caller and the size, records the audit event, and returns the writer of the
 * workbook (refusing before any byte is sent: 422 EXPORT_TOO_LARGE above the limit).
 */
export async function prepareExport(db: Db, ctx: RequestContext, q: CaseFilter, maxRows: number) {
  caseRead.requirePermission(ctx.actor);
  const now = new Date();
  const where = caseListWhere(ctx.actor, q, now);
  const [{ n }] = await db.select({ n: count() }).from(caseFile).where(where);
  const total = Number(n);
  if (total > maxRows) {
    throw new AppError('EXPORT_TOO_LARGE', {
      zh: `符合条件的案件有 ${total} 件，一次最多导出 ${maxRows} 件：请缩小筛选范围（如日期、区域、状态）后再导出`,
      en: `${total} cases match; at most ${maxRows} can be exported at once: narrow the filter (dates, area, state) and try again`,
      details: [{ field: 'querystring', message: `${total} > ${maxRows}` }],
    });
  }
  await db.transaction((tx) =>
    recordEvent(tx, ctx, {
      action: 'case.export',
      entityType: 'case',
      entityId: null,
      districtCode: ctx.actor.scope.kind === 'city' ? null : ctx.actor.scope.districtCode,
      after: { query: q, rows: total, format: 'xlsx' },
    }),
  );
  const dict: Locale = ctx.lang === 'en' ? en : zh;
  return { total, write: (out: Writable) => writeWorkbook(db, where, caseListOrder(q), now, dict, out) };
}

async function writeWorkbook(
  db: Db,
  where: ReturnType<typeof caseListWhere>,
  order: ReturnType<typeof caseListOrder>,
  now: Date,
  dict: Locale,
  out: Writable,
) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'CityOps';
  const sheet = wb.addWorksheet(dict.case.export.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  const headers = dict.case.export.col as Record<string, string>;
  sheet.columns = EXPORT_COLUMNS.map(([key, width]) => ({
    header: headers[key],
    key,
    width,
    ...(key.endsWith('At') ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const names = new Names(db);
  const states = dict.case.state as Record<string, string>;
  const lights = dict.case.light as Record<string, string>;
  const channels = dict.case.channel as Record<string, string>;
  const stages = dict.case.stage as Record<string, string>;
  for (let offset = 0; ; offset += BATCH) {
    const rows = await db
      .select()
      .from(caseFile)
      .where(where)
      .orderBy(...order)
      .limit(BATCH)
      .offset(offset);
    await names.load(rows);
    for (const c of rows) {
      sheet
        .addRow({
          code: c.code,
          state: label(states, c.state),
          light: label(lights, caseLight(c, now)),
          matter: names.matter(c.matterCode),
          description: c.description,
          address: c.address,
          district: names.division(c.districtCode),
          township: names.division(c.townshipCode),
          community: names.division(c.communityCode),
          grid: c.gridId,
          channel: label(channels, c.channel),
          stage: label(stages, c.currentStage),
          unit: names.unit(c.unitId),
          dueAt: chinaCell(c.currentDueAt),
          urgeCount: c.urgeCount,
          createdAt: chinaCell(c.createdAt),
          filedAt: chinaCell(c.filedAt),
          dispatchedAt: chinaCell(c.dispatchedAt),
          closedAt: chinaCell(c.closedAt),
        })
        .commit();
    }
    if (rows.length < BATCH) break;
  }
  sheet.commit();
  await wb.commit();
}
