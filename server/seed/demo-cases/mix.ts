/**
 * The case mix: what kinds of problems the demo city reports, through which channels, and in what
 * share each case ends up in each state. Only data: the weights are what makes queues, maps and
 * dashboards look like a real city's (mostly closed cases, a recent tail of open ones).
 */
import type { CaseState } from '../../../common/workflow.ts';
import type { Channel } from '../../db-schema.ts';

/** Realistic matter types: city appearance (06), advertising (07), street order (09), and component anomalies (01–04). */
export const MATTERS: { code: string; weight: number; text: string[] }[] = [
  { code: '06010', weight: 9, text: ['路边暴露垃圾，影响市容', '人行道上有成堆垃圾未清运'] },
  { code: '06012', weight: 6, text: ['路面不洁，有油污和杂物', '道路保洁不到位，落叶纸屑较多'] },
  { code: '06013', weight: 4, text: ['人行道地砖破损松动', '道路坑洼，雨天积水'] },
  { code: '06036', weight: 5, text: ['楼道口乱堆杂物', '绿化带旁堆放装修垃圾和杂物'] },
  { code: '06042', weight: 6, text: ['垃圾箱满溢，周边散落垃圾', '小区门口垃圾站满溢未清运'] },
  { code: '06040', weight: 2, text: ['公共道路私设地锁', '人行道私装阻车桩'] },
  { code: '06028', weight: 2, text: ['夜间施工噪声扰民', '店铺高音喇叭扰民'] },
  { code: '06027', weight: 2, text: ['餐饮店油烟直排', '油烟净化设施未开启'] },
  { code: '06007', weight: 2, text: ['临街沿街晾晒衣物', '行道树上晾挂被褥'] },
  { code: '07001', weight: 6, text: ['电线杆上张贴小广告', '墙面喷涂办证小广告'] },
  { code: '07003', weight: 2, text: ['违规设置户外广告牌', '广告牌破损有坠落风险'] },
  { code: '07006', weight: 2, text: ['店招牌匾破损', '未经审批设置牌匾'] },
  { code: '09006', weight: 6, text: ['商户占道经营', '水果摊占用人行道'] },
  { code: '09005', weight: 5, text: ['店外经营，桌椅摆上人行道', '餐馆出店经营'] },
  { code: '09001', weight: 3, text: ['无照流动摊贩', '路口游商聚集'] },
  { code: '09009', weight: 4, text: ['机动车占用人行道停放', '机动车乱停堵塞通道'] },
  { code: '09010', weight: 4, text: ['非机动车乱停放', '电动车堵塞盲道'] },
  { code: '09011', weight: 4, text: ['共享单车堆积影响通行', '共享单车倒伏一片'] },
  { code: '09012', weight: 1, text: ['杂物占用消防通道', '车辆堵塞消防通道'] },
  { code: '01001', weight: 3, text: ['供水井盖破损', '供水井盖松动有响声'] },
  { code: '01002', weight: 3, text: ['污水井盖缺失', '污水井盖破损下陷'] },
  { code: '01003', weight: 2, text: ['雨水井盖移位', '雨水井盖破损'] },
  { code: '01004', weight: 2, text: ['雨水箅子堵塞', '雨水箅子缺失'] },
  { code: '01005', weight: 2, text: ['电力井盖破损', '电力井盖凹陷'] },
  { code: '01037', weight: 3, text: ['路灯不亮', '路灯白天常亮'] },
  { code: '02001', weight: 2, text: ['公交站亭破损', '候车亭玻璃碎裂'] },
  { code: '03001', weight: 2, text: ['公厕设施损坏', '公厕卫生差'] },
  { code: '04001', weight: 2, text: ['绿地内树木倒伏', '行道树枝条遮挡信号灯'] },
];

export const CHANNELS: Record<Channel, number> = {
  inspector: 45,
  hotline: 25,
  app: 12,
  web: 6,
  wechat: 0,
  sensor: 4,
  video: 0,
  department: 0,
  opinion: 0,
};

export type Target = CaseState;
/** Share of each final state (closed the most); open states are recent, terminal ones spread. */
export const TARGETS: Record<Target, number> = {
  closed: 600,
  rejected: 45,
  voided: 20,
  merged: 25,
  reported: 15,
  verifying: 15,
  pending_filing: 18,
  self_disposed: 15,
  pending_dispatch: 20,
  dispatched: 30,
  in_progress: 60,
  returned: 12,
  escalated: 12,
  fed_back: 18,
  checking: 18,
  check_failed: 10,
  pending_close: 18,
  parked: 15,
};
/** How far back an open case in that state was created (days). */
export const OPEN_AGE: Partial<Record<Target, [number, number]>> = {
  reported: [0, 1.5],
  verifying: [0, 3],
  pending_filing: [0, 3],
  self_disposed: [0, 3],
  pending_dispatch: [0, 4],
  dispatched: [0, 6],
  in_progress: [0.5, 14],
  returned: [1, 8],
  escalated: [1, 10],
  fed_back: [1, 12],
  checking: [1, 12],
  check_failed: [1, 12],
  pending_close: [1, 12],
  parked: [15, 80],
};
export const CITIZENS = [
  '张先生',
  '李女士',
  '王先生',
  '陈女士',
  '刘先生',
  '赵女士',
  '周先生',
  '吴女士',
  '孙先生',
];
export const STREETS = [
  '中山西路',
  '解放南路',
  '药行街',
  '天一广场',
  '人民路',
  '环城北路',
  '新明街',
  '钟公庙路',
];

/** States a case's story ends in: no running clock, no inbox left to write. */
export const TERMINAL = new Set<CaseState>(['closed', 'rejected', 'voided', 'merged']);
