/**
 * A GENERATED gazetteer of a city's size (300,000 places by default), for the `places` benchmark,
 * the large-gazetteer integration test and `scripts/gen-gazetteer.ts`. Nothing here is real: the
 * names are built from common place-name words of Chinese cities (中山, 解放, 天一 …) with the
 * usual endings (路/街/巷/大道, 广场/公园/医院/小学, 大厦/公寓/幢, 社区/村/小区), so the gram
 * statistics look like a real city's — a few characters (路, 区, 号, 中, 东 …) in tens of thousands
 * of names, most pairs rare — and every point is placed inside one of the given unit grids (the
 * import refuses a place outside every grid). Deterministic for a seed.
 */

export interface GazetteerCell {
  /** The grid's district (6 digits). */
  district: string;
  /** A point well inside the grid (its centroid): the place is put within ±`jitter` degrees. */
  lng: number;
  lat: number;
}

export interface GeneratedPlace {
  name: string;
  kind: 'road' | 'poi' | 'building' | 'community';
  lng: number;
  lat: number;
  district: string;
}

/** Two-character words that name streets, estates and shops across Chinese cities. */
const WORDS = (
  '中山 解放 人民 和平 建设 胜利 友谊 光明 新华 文化 长江 黄河 长春 延安 江南 江北 东方 ' +
  '西湖 南湖 北湖 月湖 日湖 天一 天童 天封 天宁 四明 明州 甬江 姚江 奉化 鄞州 海曙 江东 ' +
  '北仑 镇海 宁波 百丈 兴宁 县前 府桥 鼓楼 药行 开明 孝闻 镇明 灵桥 新河 翠柏 望京 ' +
  '环城 世纪 钱湖 东湖 学府 书香 锦绣 金色 银杏 丹桂 香樟 梧桐 桃源 柳汀 湖滨 滨江 ' +
  '青林 紫金 白云 碧水 红星 绿洲 阳光 春晓 秋水 冬青 夏荷 泰康 永宁 安居 长乐 福明 ' +
  '广济 万达 来福 恒生 华联 华侨 国贸 外滩 新城 老街 南塘 北斗 南门 西门 东门 北门 ' +
  '石碶 集士 庄桥 洪塘 孔浦 甬港 前洋 高桥 横街 章水 鄞江 古林 集仕 泗港 大碶 小港 ' +
  '霞浦 柴桥 春晓 梅山 骆驼 九龙 澥浦 招宝 蛟川 庄市 贵驷 锦屏 岳林 江口 西坞 萧王 ' +
  '溪口 尚田 莼湖 裘村 松岙 大堰 首南 钟公 潘火 下应 东吴 五乡 咸祥 瞻岐 塘溪 横溪 ' +
  '姜山 云龙 邱隘 东钱 雅戈 杉杉 南苑 江厦 槐树 孝感 华严 启运 文昌 联丰 段塘 望春 ' +
  '宝庆 柳西 丽园 芝兰 信谊 新典 长丰 嘉和 星光 朝阳 红旗 东风 胜丰 太平 永丰 丰收 ' +
  '海晏 潮汐 观澜 听涛 映月 沁园 怡园 颐和 锦园 静安 宁静 清泉 龙泉 凤凰 麒麟 玉兰'
)
  .split(/\s+/)
  .filter(Boolean);

const DIRECTIONS = ['', '', '', '东', '西', '南', '北', '中'];
const ROAD_ENDS = ['路', '路', '路', '街', '巷', '大道', '弄', '支路'];
const POI_ENDS = [
  '广场',
  '公园',
  '医院',
  '小学',
  '中学',
  '幼儿园',
  '超市',
  '银行',
  '酒店',
  '菜市场',
  '派出所',
  '加油站',
  '停车场',
  '卫生服务站',
  '公交站',
  '体育馆',
  '图书馆',
  '农贸市场',
];
const BUILDING_ENDS = ['大厦', '公寓', '商务楼', '花园', '苑', '府', '名邸', '大楼'];
const COMMUNITY_ENDS = ['社区', '社区', '村', '小区', '家园', '新村'];

/** The same small PRNG as the demo city (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` generated places over `cells`: about 25 % roads, 35 % POIs, 30 % buildings, 10 %
 * communities. Names repeat across districts as in a real city (every district has a 中山路 …);
 * within one district and kind a name appears once (the import derives one ID from district, kind
 * and name, and refuses a duplicate), so a clash takes another word in front, or a number.
 */
export function generateGazetteer(
  count: number,
  cells: readonly GazetteerCell[],
  seed = 20260909,
  /** `district|kind|name` of places already stored, so that an insert import takes every row. */
  taken: Iterable<string> = [],
): GeneratedPlace[] {
  if (cells.length === 0) throw new Error('generateGazetteer needs at least one grid cell');
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  // A Zipf-like choice of words: a city's famous names recur much more than the rest.
  const word = () => WORDS[Math.floor(WORDS.length * rnd() ** 1.4)];
  const seen = new Set<string>(taken);
  const out: GeneratedPlace[] = [];
  const jitter = 0.0002;
  while (out.length < count) {
    const cell = pick(cells);
    const r = rnd();
    let kind: GeneratedPlace['kind'];
    let name: string;
    if (r < 0.25) {
      kind = 'road';
      name = word() + pick(DIRECTIONS) + pick(ROAD_ENDS);
    } else if (r < 0.6) {
      kind = 'poi';
      name = (rnd() < 0.3 ? word() : '') + word() + pick(POI_ENDS);
    } else if (r < 0.9) {
      kind = 'building';
      const base = word() + (rnd() < 0.5 ? word() : '') + pick(BUILDING_ENDS);
      name = rnd() < 0.4 ? `${base}${1 + Math.floor(rnd() * 30)}幢` : base;
    } else {
      kind = 'community';
      name = word() + pick(COMMUNITY_ENDS);
    }
    let key = `${cell.district}|${kind}|${name}`;
    // A clash: another word in front (a 新村 of 中山 becomes 长乐中山新村), then a number.
    for (let tries = 0; tries < 3 && seen.has(key); tries++) {
      name = word() + name;
      key = `${cell.district}|${kind}|${name}`;
    }
    for (let n = 2; seen.has(key); n++) {
      name = kind === 'road' ? `${name.replace(/\d+号$/, '')}${n}号` : `${name.replace(/\d+期$/, '')}${n}期`;
      key = `${cell.district}|${kind}|${name}`;
    }
    seen.add(key);
    out.push({
      name,
      kind,
      lng: Math.round((cell.lng + (rnd() * 2 - 1) * jitter) * 1e6) / 1e6,
      lat: Math.round((cell.lat + (rnd() * 2 - 1) * jitter) * 1e6) / 1e6,
      district: cell.district,
    });
  }
  return out;
}

/** The places as an import CSV (UTF-8, header 名称,类型,经度,纬度,区县代码). */
export function gazetteerCsv(places: readonly GeneratedPlace[]): string {
  const lines = ['名称,类型,经度,纬度,区县代码'];
  for (const p of places) lines.push(`${p.name},${p.kind},${p.lng},${p.lat},${p.district}`);
  return `${lines.join('\n')}\n`;
}
