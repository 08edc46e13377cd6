import { Type } from 'typebox';
import { commonErrors, IdParams } from '../../platform/schemas.ts';
import type { App } from '../../platform/types.ts';
import { dailyWorkbook } from './report.ts';
import {
  ApplyTemplate,
  Attendance,
  AttendanceList,
  CandidateList,
  Clock,
  CoverageList,
  DayQuery,
  Member,
  MemberList,
  MemberListQuery,
  MemberParams,
  MemberSave,
  MyToday,
  NearestList,
  NearestQuery,
  ReportQuery,
  RosterResult,
  RosterSave,
  Shift,
  ShiftCreate,
  ShiftList,
  ShiftUpdate,
  Template,
  TemplateCreate,
  TemplateList,
  TemplateUpdate,
  Week,
  WeekQuery,
} from './schemas.ts';
import * as service from './service.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

export interface TeamsRouteOptions {
  /** The server's clock (tests set it). */
  clock?: () => Date;
}

export const teamsRoutes = (opts: TeamsRouteOptions = {}) =>
  async function teamsPlugin(app: App) {
    const tags = ['teams'];
    const now = opts.clock ?? (() => new Date());
    app.get(
      '/api/teams/members',
      {
        config: { operation: 'teams.members.list' },
        schema: {
          tags,
          summary: 'Team members in scope with posts and grids / 队伍成员',
          querystring: MemberListQuery,
          response: { 200: MemberList, ...commonErrors },
        },
      },
      (request) => service.listMembers(app.db, request.ctx, request.query),
    );
    app.get(
      '/api/teams/candidates',
      {
        config: { operation: 'teams.candidates' },
        schema: {
          tags,
          summary: 'Users a manager may make team members / 可加入队伍的人员',
          response: { 200: CandidateList, ...commonErrors },
        },
      },
      (request) => service.candidates(app.db, request.ctx),
    );
    app.put(
      '/api/teams/members/:userId',
      {
        config: { operation: 'teams.members.save' },
        schema: {
          tags,
          description:
            'Makes a user a team member or changes their posts and responsibility grids (grids of their district; `version` once they are one).',
          params: MemberParams,
          body: MemberSave,
          response: { 200: Member, ...commonErrors },
        },
      },
      (request) => service.saveMember(app.db, request.ctx, request.params.userId, request.body),
    );
    app.get(
      '/api/teams/shifts',
      {
        config: { operation: 'teams.shifts.list' },
        schema: { tags, summary: 'Shifts / 班次', response: { 200: ShiftList, ...commonErrors } },
      },
      (request) => service.listShifts(app.db, request.ctx),
    );
    app.post(
      '/api/teams/shifts',
      {
        config: { operation: 'teams.shifts.create' },
        schema: {
          tags,
          description:
            'A shift: start and end in China time (HH:MM); an end at or before the start ends the next day.',
          body: ShiftCreate,
          response: { 201: Shift, ...commonErrors },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createShift(app.db, request.ctx, request.body)),
    );
    app.patch(
      '/api/teams/shifts/:id',
      {
        config: { operation: 'teams.shifts.update' },
        schema: { tags, params: IdParams, body: ShiftUpdate, response: { 200: Shift, ...commonErrors } },
      },
      (request) => service.updateShift(app.db, request.ctx, request.params.id, request.body),
    );
    app.get(
      '/api/teams/templates',
      {
        config: { operation: 'teams.templates.list' },
        schema: {
          tags,
          summary: 'Roster templates / 排班模板',
          response: { 200: TemplateList, ...commonErrors },
        },
      },
      (request) => service.listTemplates(app.db, request.ctx),
    );
    app.post(
      '/api/teams/templates',
      {
        config: { operation: 'teams.templates.create' },
        schema: { tags, body: TemplateCreate, response: { 201: Template, ...commonErrors } },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createTemplate(app.db, request.ctx, request.body)),
    );
    app.patch(
      '/api/teams/templates/:id',
      {
        config: { operation: 'teams.templates.update' },
        schema: {
          tags,
          params: IdParams,
          body: TemplateUpdate,
          response: { 200: Template, ...commonErrors },
        },
      },
      (request) => service.updateTemplate(app.db, request.ctx, request.params.id, request.body),
    );
    app.get(
      '/api/teams/roster',
      {
        config: { operation: 'teams.roster.week' },
        schema: {
          tags,
          summary: 'A week’s roster (Monday) / 周排班',
          querystring: WeekQuery,
          response: { 200: Week, ...commonErrors },
        },
      },
      (request) => service.week(app.db, request.ctx, request.query),
    );
    app.put(
      '/api/teams/roster',
      {
        config: { operation: 'teams.roster.save' },
        schema: {
          tags,
          description:
            'Writes roster cells (a shift or null: rest), each at the version read (none for a new cell); all or nothing — overlapping shifts of a person are refused.',
          body: RosterSave,
          response: { 200: RosterResult, ...commonErrors },
        },
      },
      (request) => service.saveRoster(app.db, request.ctx, request.body),
    );
    app.post(
      '/api/teams/roster/apply-template',
      {
        config: { operation: 'teams.roster.apply_template' },
        schema: {
          tags,
          description:
            'Applies a template to a week (Monday) for the people named: their seven cells overwritten.',
          body: ApplyTemplate,
          response: { 200: RosterResult, ...commonErrors },
        },
      },
      (request) => service.applyTemplate(app.db, request.ctx, request.body),
    );
    app.post(
      '/api/teams/me/clock',
      {
        config: { operation: 'teams.me.clock' },
        schema: {
          tags,
          description:
            'Clock in or out from the field app with the phone’s position (WGS84): checked against the roster (late, early leave, no shift) and the responsibility grids (inside or within the tolerance).',
          body: Clock,
          response: { 200: Attendance, ...commonErrors },
        },
      },
      (request) => service.clock(app.db, request.ctx, request.body, now()),
    );
    app.get(
      '/api/teams/me/today',
      {
        config: { operation: 'teams.me.today' },
        schema: {
          tags,
          summary: 'My shift and attendance now / 我的班次与打卡',
          response: { 200: MyToday, ...commonErrors },
        },
      },
      (request) => service.myToday(app.db, request.ctx, now()),
    );
    app.get(
      '/api/teams/attendance',
      {
        config: { operation: 'teams.attendance.day' },
        schema: { tags, querystring: DayQuery, response: { 200: AttendanceList, ...commonErrors } },
      },
      (request) => service.dayAttendance(app.db, request.ctx, request.query, now()),
    );
    app.get(
      '/api/teams/coverage',
      {
        config: { operation: 'teams.coverage.day' },
        schema: {
          tags,
          description:
            'Each rostered shift’s patrol coverage: the share of the person’s grids their track passed through.',
          querystring: DayQuery,
          response: { 200: CoverageList, ...commonErrors },
        },
      },
      (request) => service.dayCoverage(app.db, request.ctx, request.query),
    );
    app.get(
      '/api/teams/nearest',
      {
        config: { operation: 'teams.nearest' },
        schema: {
          tags,
          description:
            'The on-duty inspectors nearest a point (WGS84), by their newest phone position (≤ 2 h old).',
          querystring: NearestQuery,
          response: { 200: NearestList, ...commonErrors },
        },
      },
      (request) => service.nearest(app.db, request.ctx, request.query, now()),
    );
    app.get(
      '/api/teams/reports/daily.xlsx',
      {
        config: { operation: 'teams.reports.daily' },
        schema: {
          tags,
          description:
            'The daily attendance and coverage report of a district (the caller’s own for a district) as .xlsx.',
          querystring: ReportQuery,
          response: {
            200: { description: 'the workbook', content: { [XLSX]: { schema: Binary } } },
            ...commonErrors,
          },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const [att, cov] = [
          await service.dayAttendance(app.db, request.ctx, q, now()),
          await service.dayCoverage(app.db, request.ctx, q),
        ];
        const body = await dailyWorkbook(q.date, q.district ?? null, att.items, cov.items);
        return reply
          .type(XLSX)
          .header(
            'content-disposition',
            `attachment; filename="attendance-${q.date}${q.district ? `-${q.district}` : ''}.xlsx"`,
          )
          .header('cache-control', 'no-store')
          .send(body);
      },
    );
  };
