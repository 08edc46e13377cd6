/** Public interface of the settings module: reading and writing city settings, and routes. */
export { type ImportLimits, type OpinionMatching, type WarningRules, WindowsValue } from './registry.ts';
export { findSetting } from './repository.ts';
export { settingsRoutes } from './routes.ts';
export {
  getSetting,
  getSettingRecord,
  insertMissingDefaults,
  onSettingChange,
  writeSetting,
} from './service.ts';
