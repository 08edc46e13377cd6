/**
 * The daily attendance and coverage report (考勤与巡查覆盖日报) as a workbook: one sheet of
 * attendance (shift, clock in and out, in the area or not, status), one of patrol coverage.
 * Headers in Chinese and English; times in China time.
 */
import ExcelJS from 'exceljs';
import type { AttendanceDto, CoverageRowDto } from './schemas.ts';

const STATUS: Record<AttendanceDto['status'], string> = {
  normal: '正常 / normal',
  late: '迟到 / late',
  early_leave: '早退 / early leave',
  late_early: '迟到且早退 / late and early leave',
  absent: '缺勤 / absent',
  no_shift: '无班次打卡 / no shift',
  rest: '休息 / rest',
  pending: '未到班 / not started',
  on_duty: '在岗 / on duty',
  missing_clock_out: '未下班打卡 / no clock-out',
};

/** An instant as China time "YYYY-MM-DD HH:MM". */
const china = (s: string | null) =>
  s ? new Date(Date.parse(s) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '';
const yesNo = (b: boolean | null) => (b === null ? '' : b ? '是 / yes' : '否 / no');

export async function dailyWorkbook(
  date: string,
  district: string | null,
  attendance: AttendanceDto[],
  coverage: CoverageRowDto[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'CityOps';
  const a = wb.addWorksheet('考勤 Attendance');
  a.addRow([`考勤日报 Attendance ${date}${district ? ` · ${district}` : ''}`]);
  a.addRow([
    '姓名 Name',
    '班次 Shift',
    '班次开始 Start',
    '班次结束 End',
    '上班打卡 Clock in',
    '在责任区 In area',
    '距网格(米) Distance (m)',
    '下班打卡 Clock out',
    '状态 Status',
  ]);
  for (const r of attendance) {
    a.addRow([
      r.name,
      r.shiftName ?? '',
      china(r.shiftStart),
      china(r.shiftEnd),
      china(r.clockInAt),
      yesNo(r.clockInInside),
      r.clockInDistanceM ?? '',
      china(r.clockOutAt),
      STATUS[r.status],
    ]);
  }
  a.getRow(2).font = { bold: true };
  a.columns.forEach((c) => {
    c.width = 18;
  });
  const c = wb.addWorksheet('覆盖 Coverage');
  c.addRow([`巡查覆盖 Patrol coverage ${date}${district ? ` · ${district}` : ''}`]);
  c.addRow([
    '姓名 Name',
    '班次 Shift',
    '责任网格数 Grids',
    '已覆盖 Covered',
    '覆盖率 Coverage',
    '定位点数 Positions',
    '已覆盖网格 Covered grids',
  ]);
  for (const r of coverage) {
    c.addRow([r.name, r.shiftName, r.grids, r.covered.length, r.ratio, r.positions, r.covered.join(' ')]);
  }
  c.getRow(2).font = { bold: true };
  c.getColumn(5).numFmt = '0.0%';
  c.columns.forEach((col) => {
    col.width = 18;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
