/** Plausible 主管/权属/养护 departments of the demo inventory, by type and district. */
export const DISTRICT_NAMES: Record<string, string> = {
  '330203': '海曙区',
  '330205': '江北区',
  '330206': '北仑区',
  '330211': '镇海区',
  '330212': '鄞州区',
  '330213': '奉化区',
};

export interface Owners {
  owner: string;
  property: string;
  maintainer: string;
}

export function ownerOf(typeCode: string, districtCode: string): Owners {
  const d = DISTRICT_NAMES[districtCode] ?? '';
  const same = (x: string, m = x): Owners => ({ owner: x, property: x, maintainer: m });
  switch (typeCode) {
    case '01001':
      return { owner: '宁波市水利局', property: '宁波市自来水有限公司', maintainer: '宁波市自来水有限公司' };
    case '01002':
    case '01003':
    case '01004':
      return {
        owner: `${d}住房和城乡建设局`,
        property: '宁波市排水有限公司',
        maintainer: '宁波市排水有限公司',
      };
    case '01005':
    case '01048':
      return same('国网宁波供电公司');
    case '01006':
    case '01037':
      return { owner: '宁波市综合行政执法局', property: '宁波市路灯管理所', maintainer: '宁波市路灯管理所' };
    case '01007':
      return same('中国电信宁波分公司');
    case '01011':
      return same('宁波兴光燃气集团有限公司');
    case '01013':
      return {
        owner: '宁波市消防救援支队',
        property: '宁波市自来水有限公司',
        maintainer: '宁波市自来水有限公司',
      };
    case '02004':
      return same('宁波市公共交通集团有限公司');
    case '02010':
    case '02014':
    case '02017':
    case '02021':
      return {
        owner: '宁波市公安局交通警察局',
        property: `${d}交通运输局`,
        maintainer: `${d}市政设施养护中心`,
      };
    case '02012':
      return same(`${d}民政局`, `${d}市政设施养护中心`);
    case '03001':
    case '03005':
    case '03008':
      return {
        owner: `${d}综合行政执法局`,
        property: `${d}综合行政执法局`,
        maintainer: `${d}环境卫生管理处`,
      };
    default:
      return {
        owner: `${d}园林绿化管理中心`,
        property: `${d}园林绿化管理中心`,
        maintainer: `${d}园林绿化养护公司`,
      };
  }
}
