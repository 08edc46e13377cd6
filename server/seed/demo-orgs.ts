/**
 * The demo organisations and accounts: Ningbo's city centre, a centre for each of the six
 * central districts, and a handful of collaborating units. Names are realistic; the unified
 * social credit codes are generated (valid check character, not real registrations).
 */
import { DEMO_DISTRICTS, DISTRICT_CENTRE_ROLES, type Role } from '../../common/identity.ts';
import { withUsccCheck } from '../../common/uscc.ts';

export interface DemoOrg {
  key: string;
  kind: 'city_center' | 'district_center' | 'unit';
  name: string;
  code: string;
  parentKey: string | null;
  districtCode: string | null;
}

export interface DemoUser {
  username: string;
  displayName: string;
  orgKey: string;
  roles: Role[];
}

/** 11 = 机构编制·机关, then the 6-digit division and a 9-digit sequence. */
const uscc = (division: string, seq: number) => withUsccCheck(`11${division}${String(seq).padStart(9, '0')}`);

const ROLE_NAMES: Record<Role, string> = {
  inspector: '监督员',
  acceptor: '受理员',
  shift_leader: '值班长',
  dispatcher: '派遣员',
  unit_handler: '处置人员',
  supervisor: '督查员',
  leader: '领导',
  admin: '管理员',
  hotline_operator: '热线话务员',
};

export const DEMO_UNITS: { key: string; name: string; districtCode: string | null }[] = [
  { key: 'water', name: '宁波市水务环境集团有限公司', districtCode: null },
  { key: 'power', name: '国网浙江省电力有限公司宁波供电公司', districtCode: null },
  { key: 'municipal', name: '宁波市市政设施中心', districtCode: null },
  { key: 'haishu-sanitation', name: '海曙区环境卫生管理处', districtCode: '330203' },
  { key: 'haishu-greening', name: '海曙区园林绿化管理中心', districtCode: '330203' },
  { key: 'jiangbei-sanitation', name: '江北区环境卫生管理处', districtCode: '330205' },
  { key: 'yinzhou-enforcement', name: '鄞州区综合行政执法局', districtCode: '330212' },
  { key: 'beilun-municipal', name: '北仑区市政管理所', districtCode: '330206' },
  // Owners of the other manhole covers (routing.ts: every cover type to its owner).
  { key: 'telecom', name: '中国电信股份有限公司宁波分公司', districtCode: null },
  { key: 'cable-tv', name: '宁波华数广电网络有限公司', districtCode: null },
  { key: 'gas', name: '宁波兴光燃气集团有限公司', districtCode: null },
  { key: 'energy', name: '宁波能源集团有限公司', districtCode: null },
  { key: 'police', name: '宁波市公安局', districtCode: null },
  { key: 'traffic-police', name: '宁波市公安局交通警察局', districtCode: null },
  { key: 'bus', name: '宁波市公共交通集团有限公司', districtCode: null },
  { key: 'city-greening', name: '宁波市园林绿化管理中心', districtCode: null },
  { key: 'city-sanitation', name: '宁波市环境卫生管理中心', districtCode: null },
];

export function demoOrgs(): DemoOrg[] {
  const orgs: DemoOrg[] = [
    {
      key: 'city',
      kind: 'city_center',
      name: '宁波市智慧城管中心',
      code: uscc('330200', 1),
      parentKey: null,
      districtCode: null,
    },
  ];
  DEMO_DISTRICTS.forEach((d, i) => {
    orgs.push({
      key: d.pinyin,
      kind: 'district_center',
      name: `${d.name}智慧城管中心`,
      code: uscc(d.code, 100 + i),
      parentKey: 'city',
      districtCode: d.code,
    });
  });
  DEMO_UNITS.forEach((u, i) => {
    const district = DEMO_DISTRICTS.find((d) => d.code === u.districtCode);
    orgs.push({
      key: `unit-${u.key}`,
      kind: 'unit',
      name: u.name,
      code: uscc(u.districtCode ?? '330200', 500 + i),
      parentKey: district ? district.pinyin : 'city',
      districtCode: u.districtCode,
    });
  });
  return orgs;
}

export function demoUsers(): DemoUser[] {
  const users: DemoUser[] = [
    { username: 'admin', displayName: '系统管理员', orgKey: 'city', roles: ['admin'] },
    { username: 'city.supervisor', displayName: '市中心督查员', orgKey: 'city', roles: ['supervisor'] },
    { username: 'city.leader', displayName: '市中心领导', orgKey: 'city', roles: ['leader'] },
    { username: 'city.dispatcher', displayName: '市中心派遣员', orgKey: 'city', roles: ['dispatcher'] },
    { username: 'city.shift_leader', displayName: '市中心值班长', orgKey: 'city', roles: ['shift_leader'] },
    // The 12345 hotline's operators: two seats, so a call can pop one console and not the other.
    {
      username: 'hotline.operator',
      displayName: '12345热线话务员',
      orgKey: 'city',
      roles: ['hotline_operator'],
    },
    {
      username: 'hotline.operator2',
      displayName: '12345热线话务员（二号坐席）',
      orgKey: 'city',
      roles: ['hotline_operator'],
    },
  ];
  for (const d of DEMO_DISTRICTS) {
    for (const role of DISTRICT_CENTRE_ROLES) {
      users.push({
        username: `${d.pinyin}.${role}`,
        displayName: `${d.name}${ROLE_NAMES[role]}`,
        orgKey: d.pinyin,
        roles: [role],
      });
    }
  }
  // Two districts' 12345 desks: their operators answer the calls routed to their district only.
  for (const d of DEMO_DISTRICTS.filter((x) => x.pinyin === 'haishu' || x.pinyin === 'jiangbei')) {
    users.push({
      username: `${d.pinyin}.hotline_operator`,
      displayName: `${d.name}${ROLE_NAMES.hotline_operator}`,
      orgKey: d.pinyin,
      roles: ['hotline_operator'],
    });
  }
  for (const u of DEMO_UNITS) {
    users.push({
      username: `unit.${u.key}`,
      displayName: `${u.name}${ROLE_NAMES.unit_handler}`,
      orgKey: `unit-${u.key}`,
      roles: ['unit_handler'],
    });
  }
  return users;
}
