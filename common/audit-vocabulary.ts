/**
 * Every action and entity type the audit trail (the `event` table) can hold, declared once:
 * `recordEvent` takes only these, so a new write must name its action here — and the test beside
 * this file then asks for its label in both locales (`auditAction.*`, `entityType.*`), which the
 * audit page shows instead of the raw code. Case events come from the transition table through
 * common/events.ts. Pure data, shared by server and web.
 */
import { CASE_EVENT_ACTIONS, CASE_LOOP_EVENTS, type CaseEventAction } from './events.ts';

/** Audit actions outside the case loop's events, grouped by what they touch. */
export const PLATFORM_AUDIT_ACTIONS = [
  // sign-in and sessions
  'auth.login',
  'auth.login_failed',
  'auth.lockout',
  'auth.logout',
  // accounts, organisations, API keys
  'user.create',
  'user.update',
  'user.bulk_disable',
  'user.password_change',
  'user.password_reset',
  'user.preferences',
  'org.create',
  'org.update',
  'apikey.create',
  'apikey.permissions',
  'apikey.revoke',
  // the case loop outside a transition
  'case.create',
  'case.seed',
  'case.export',
  'saved_filter.create',
  'saved_filter.update',
  'saved_filter.delete',
  'photo.upload',
  'notification.read',
  // call-backs and satisfaction (on the case's timeline)
  'satisfaction.record',
  'callback.attempt',
  // the hotline: calls (a report made on a call is also on its case's timeline), seats, knowledge base
  'hotline.incoming',
  'hotline.answer',
  'hotline.finish',
  'hotline.hangup',
  'hotline.seat_in',
  'hotline.seat_out',
  'knowledge.create',
  'knowledge.update',
  'knowledge.seed',
  // reference data and configuration
  'calendar.day_set',
  'calendar.seed',
  'calendar.windows_set',
  'catalog.seed',
  'catalog.standard.update',
  'catalog.type.create',
  'catalog.type.update',
  'component.create',
  'component.seed',
  'component.update',
  'component.state',
  'component.import',
  'geo.division.update',
  'geo.grid.import',
  'geo.import',
  'geo.seed',
  'place.seed',
  'place.import',
  'classifier.seed',
  'classifier.sample_retire',
  'import.fail',
  'routing.rule.create',
  'routing.rule.update',
  'routing.rule.deactivate',
  'setting.update',
  'settings.seed',
  'basemap.choose',
  'basemap.archive_upload',
  'basemap.archive_delete',
  'basemap.generate',
  // deliveries to units' systems
  'endpoint.set',
  'delivery.dead',
  'delivery.replay',
  // a case forwarded to a department's Open311 server, and what it says of it (on the case's timeline)
  'case.forwarded',
  'case.forward_status',
  // sensors (IoT devices over MQTT)
  'sensor.device.create',
  'sensor.device.update',
  'sensor.device.import',
  'sensor.device.offline',
  'sensor.device.online',
  'sensor.kind.seed',
  'sensor.kind.update',
  'sensor.alarm.raise',
  'sensor.alarm.clear',
  'sensor.alarm.fail',
  // unified GPS supervision: the terminal registry, a terminal's registration over JT/T 808
  'gps.terminal.create',
  'gps.terminal.update',
  'gps.terminal.disable',
  'gps.terminal.register',
  // a batch of a person's own positions from the field app (counts and period, not the places)
  'gps.position.report',
  // geofences and their rules; GPS alarms raised on ingest, acknowledged and closed by people
  'gps.geofence.create',
  'gps.geofence.update',
  'gps.geofence.disable',
  'gps.alarm.raise',
  'gps.alarm.acknowledge',
  'gps.alarm.close',
  // team management (队伍管理): people's posts and grids, shifts, rosters, clocking in and out
  'teams.member.save',
  'teams.shift.create',
  'teams.shift.update',
  'teams.template.create',
  'teams.template.update',
  'teams.roster.save',
  'teams.roster.apply_template',
  'teams.clock_in',
  'teams.clock_out',
  // online opinion (网络舆情): feeds, their polls, and the acceptors' decisions on posts
  'opinion.feed.create',
  'opinion.feed.update',
  'opinion.feed.poll',
  'opinion.post.report',
  'opinion.post.dismiss',
  'opinion.post.link',
  'opinion.post.unlink',
  'opinion.post.auto_link',
  // the evaluation (综合评价): templates and rankings
  'evaluation.template.create',
  'evaluation.template.update',
  'evaluation.ranking.compute',
  'evaluation.ranking.publish',
  // early warning (预警): a run that raised or resolved warnings, a warning taken by a leader
  'warning.run',
  'warning.acknowledge',
] as const;
export type PlatformAuditAction = (typeof PLATFORM_AUDIT_ACTIONS)[number];

export type AuditAction = PlatformAuditAction | CaseEventAction;

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  ...PLATFORM_AUDIT_ACTIONS,
  ...CASE_EVENT_ACTIONS.filter((a) => !(PLATFORM_AUDIT_ACTIONS as readonly string[]).includes(a)),
];

/** What an audit event is about. */
export const AUDIT_ENTITY_TYPES = [
  'user',
  'org',
  'api_key',
  'session',
  'case',
  'photo',
  'notification',
  'calendar',
  'catalog_type',
  'disposal_standard',
  'component',
  'division',
  'grid',
  'import_job',
  'route_rule',
  'setting',
  'unit_endpoint',
  'delivery',
  'saved_filter',
  'place',
  'classifier_sample',
  'basemap',
  'basemap_archive',
  'sensor_device',
  'sensor_kind',
  'gps_terminal',
  'gps_position',
  'gps_geofence',
  'gps_alarm',
  'team_member',
  'team_shift',
  'team_roster',
  'team_roster_template',
  'team_attendance',
  'hotline_call',
  'hotline_seat',
  'knowledge_entry',
  'opinion_feed',
  'opinion_post',
  'evaluation_template',
  'evaluation_ranking',
  'warning',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export function isAuditAction(v: string): v is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(v);
}

/**
 * The locale key that labels an audit action: a case transition is labelled like its button
 * (`case.action.<action>`), the loop's other case events as `case.event.<name>`, every other action
 * under `auditAction.<action>`. Undeclared actions (rows written before a rename) have none.
 */
export function auditActionLabelKey(action: string): string | null {
  if (!isAuditAction(action)) return null;
  if ((PLATFORM_AUDIT_ACTIONS as readonly string[]).includes(action)) return `auditAction.${action}`;
  const name = action.slice('case.'.length);
  return (CASE_LOOP_EVENTS as readonly string[]).includes(name)
    ? `case.event.${name}`
    : `case.action.${name}`;
}
