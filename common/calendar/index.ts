export * from './china-time.ts';
export * from './chinese-days-seed.ts';
export * from './work-calendar.ts';
