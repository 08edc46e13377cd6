/** Every table of every module, for Drizzle (queries) and drizzle-kit (migrations). */
export * from './modules/audit/tables.ts';
export * from './modules/identity/tables.ts';
export * from './modules/org/tables.ts';
