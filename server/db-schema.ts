/**
 * Every table of every module, for Drizzle (queries) and drizzle-kit (migrations). The schema
 * registry is the one file that imports tables across module lines (server/boundaries.test.ts).
 */
export * from './modules/basemap/tables.ts';
export * from './modules/calendar/tables.ts';
export * from './modules/callbacks/tables.ts';
export * from './modules/cases/tables.ts';
export * from './modules/catalog/tables.ts';
export * from './modules/classifier/tables.ts';
export * from './modules/components/tables.ts';
export * from './modules/evaluation/tables.ts';
export * from './modules/geo/tables.ts';
export * from './modules/gps/tables.ts';
export * from './modules/hotline/tables.ts';
export * from './modules/identity/tables.ts';
export * from './modules/imports/tables.ts';
export * from './modules/notifications/tables.ts';
export * from './modules/opinion/tables.ts';
export * from './modules/org/tables.ts';
export * from './modules/outbox/tables.ts';
export * from './modules/portal/tables.ts';
export * from './modules/routing/tables.ts';
export * from './modules/sensors/tables.ts';
export * from './modules/settings/tables.ts';
export * from './modules/teams/tables.ts';
export * from './modules/warning/tables.ts';
export * from './platform/event-table.ts';
