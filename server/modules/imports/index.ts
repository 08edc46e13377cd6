/** Public interface of the imports module: the import routes and CLI entry, and job recovery. */
export { IMPORT_KINDS, type ImportKind } from './policy.ts';
export { installImportRecovery, startImportRecoveryLoop } from './recovery.ts';
export { importRoutes } from './routes.ts';
export { importAndWait } from './service.ts';
