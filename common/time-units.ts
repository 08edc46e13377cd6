/**
 * The units a time limit is counted in (时限单位), shared by the working calendar, the disposal
 * standards, the stage-limit settings, extensions and every form of the web client that asks
 * for one: 紧急工作时 (continuous clock hours), 工作时 (hours inside working windows), 工作日
 * (working days), 自然日 (calendar days).
 */
export const TIME_UNITS = ['urgent_hour', 'work_hour', 'work_day', 'natural_day'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];
