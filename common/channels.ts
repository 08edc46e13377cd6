/**
 * The channels a problem reaches the platform by (信息来源): the one list the server's schemas,
 * its tables and the web client's filters and forms all take their values from.
 */
export const CHANNELS = [
  /** 监督员上报 — an inspector in the field. */
  'inspector',
  /** 热线 — the city hotline (12345). */
  'hotline',
  /** 网站 — the public website. */
  'web',
  /** 手机应用 — a citizens' app. */
  'app',
  /** 微信 — WeChat. */
  'wechat',
  /** 传感器 — an IoT sensor (manhole cover, water level…). */
  'sensor',
  /** 视频 — video analysis. */
  'video',
  /** 部门 — another department's system. */
  'department',
  /** 舆情 — public opinion monitoring. */
  'opinion',
] as const;
export type Channel = (typeof CHANNELS)[number];
