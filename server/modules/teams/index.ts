/**
 * Public interface of the teams module (队伍管理, issue 12): field people with their posts and
 * responsibility grids, shifts, roster templates and weekly rosters, clocking in and out from the
 * field app, a day's attendance and patrol coverage (from the gps module's tracks), the nearest
 * on-duty inspector to a point (what the acceptor sends to verify or check), the daily report.
 */
export { type TeamsRouteOptions, teamsRoutes } from './routes.ts';
export { seedDemoTeams } from './seed.ts';
export { nearest as nearestOnDutyInspectors } from './service.ts';
