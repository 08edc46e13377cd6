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

/**
 * The public's own online channels (网站、手机应用、微信): whoever sent the report is unknown to the
 * platform, so the acceptor may not take it straight to filing — it is verified on site (核实) by an
 * inspector first (guard `notFromPublic` on `accept_report`, common/workflow-table.ts). A hotline
 * report was taken by an operator who spoke to the caller, and opinion posts pass a moderator: they
 * may be accepted directly, as may the platform's own staff, sensors and departments.
 */
export const VERIFY_FIRST_CHANNELS: readonly Channel[] = ['web', 'app', 'wechat'];

export const verifiesFirst = (channel: Channel): boolean => VERIFY_FIRST_CHANNELS.includes(channel);

/**
 * The channels by which the public itself reports (its own online channels and the hotline): the
 * portal's map of recent reports nearby shows the cases they opened, not the platform's own
 * patrols, sensors or departments' checks.
 */
export const PUBLIC_CHANNELS: readonly Channel[] = [...VERIFY_FIRST_CHANNELS, 'hotline'];

/**
 * The machine channels (传感器、舆情): only the platform's own modules report on them — the sensors'
 * alarms, the opinion queue's decisions — never a person or a key naming the channel in a report.
 */
export const MACHINE_CHANNELS: readonly Channel[] = ['sensor', 'opinion'];

/** Who names a report's channel, as the channel rule sees them. */
export interface ChannelCaller {
  /** Reports for a collaborating unit (a person of the unit or its system's key). */
  unit: boolean;
  /** An API key (a system), not a person. */
  apiKey: boolean;
  roles: readonly string[];
}

/**
 * The channels a caller may name for a report (`POST /api/reports`, the intake page): the channel
 * says who sent it, so it follows from the sender. A unit reports its own checks (`department`); any
 * other key is a citizens' app (`app`, as Open311 names it); an inspector reports as an inspector
 * (`inspector`: the city's own patrol, never shown on the public portal); other staff (acceptors,
 * hotline operators…) enter what a citizen told them, on the citizen's channel, and never a unit's
 * or a machine's. The server's one check is the cases policy's `assertReportChannel`.
 */
export function reportChannelsOf(caller: ChannelCaller): readonly Channel[] {
  if (caller.unit) return ['department'];
  if (caller.apiKey) return ['app'];
  if (caller.roles.includes('inspector')) return ['inspector'];
  return CHANNELS.filter((c) => c !== 'department' && !MACHINE_CHANNELS.includes(c));
}
