/**
 * The classifier's text rules: how a report's words are normalised before segmentation, what is
 * too long, which words carry no meaning for the type (fillers of speech and of hotline records)
 * and which look like an address (a road, a building, a community: they say where, not what).
 * Pure, shared by the model, the learning at filing and the tests.
 */

/** Longest text `POST /api/intake/suggest` accepts, in characters (code points). */
export const MAX_SUGGEST_TEXT = 2000;

/**
 * How much of a case's description learning keeps: the type is said in the first sentences, and
 * a long text (a pasted complaint letter) must not weigh more than a short one.
 */
export const MAX_LEARN_TEXT = 300;

/** The first `max` code points of `s` (never a broken surrogate pair). */
export function capText(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max).join('');
}

/**
 * NFKC (full-width letters and digits to ASCII, compatibility forms to their base), lower case,
 * control characters and runs of white space to one space.
 */
export function normalizeText(s: string): string {
  return (
    s
      // A lone surrogate (broken UTF-16 from a bad client) is no character: the replacement one.
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu, '\ufffd')
      .normalize('NFKC')
      .toLowerCase()
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
      .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/gu, ' ')
      .replace(/\s+/gu, ' ')
      .trim()
  );
}

const HAN = /\p{Script=Han}/u;
export const isHan = (ch: string) => HAN.test(ch);

/**
 * Words that say nothing about the type: particles, pronouns, greetings, the hotline's and the
 * inspectors' set phrases (市民来电反映 … 请相关部门处理), times of day. Kept small on purpose:
 * the model's inverse document frequency already discounts what every type shares.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    '的 了 着 过 是 在 有 和 与 及 或 也 都 就 还 又 再 才 很 太 更 最 挺 蛮 好 把 被 给 让 叫 对 向 从 到 往 于 ' +
    '吗 呢 吧 啊 呀 嘛 哦 哈 啦 喔 唉 哎 嗯 噢 哇 呗 咯 喂 诶 ' +
    '我 你 您 他 她 它 我们 你们 他们 她们 咱们 大家 人家 自己 本人 ' +
    '这 那 这个 那个 这里 那里 这边 那边 这儿 那儿 这些 那些 这样 那样 这么 那么 哪里 哪儿 什么 怎么 ' +
    '一个 一下 一些 一点 一直 一天 一般 个 只 些 点 下 上 里 中 边 旁边 附近 周边 周围 位置 地方 地址 ' +
    '你好 您好 谢谢 麻烦 请 帮忙 帮 一下子 尽快 及时 赶紧 马上 希望 要求 请求 建议 反映 反应 来电 来电人 市民 ' +
    '群众 网友 居民 老百姓 相关 部门 有关 单位 处理 解决 处置 核实 现场 发现 巡查 上报 监督员 情况 问题 ' +
    '存在 目前 现在 已经 今天 昨天 前天 明天 早上 上午 中午 下午 晚上 半夜 每天 天天 经常 总是 一直 ' +
    '时候 时间 几天 好几天 好久 很久 看到 看见 发现 感觉 觉得 说 讲 问 告诉 知道 不知道 看 听 ' +
    '没有 没 不 别 能 会 要 想 可以 应该 需要 能否 是否 是不是 有没有 因为 所以 但是 可是 而且 然后 如果 ' +
    '导致 造成 影响 严重 非常 特别 比较 已 未 仍 仍然 依然 还是 等 等等 啥 咋 嘞 侬 阿拉 伐 ' +
    '号 栋 幢 单元 楼 层 室 米 处 侧 东 南 西 北 东侧 西侧 南侧 北侧 对面 门口 路口 交叉口 路段'
  ).split(/\s+/u),
);

/**
 * Suffixes that make a word of three characters or more a place name (中山西路, 天一广场, 东湖花园,
 * 钟公庙街道, 姚江), longest first. Such a word says where, not what: a model trained on a handful
 * of texts per type would otherwise tie a street to the type of the one text that named it. The
 * word is replaced by its suffix, which still says something of the kind of place (a park, a
 * bridge, a river, a road). Words of the lexicon are never treated as places (菜市场, 停车场,
 * 地下通道 are what a report is about).
 */
const PLACE_SUFFIXES: readonly string[] = (
  '街道 社区 小区 新村 花园 公园 广场 大厦 大楼 大道 公寓 家园 商城 商场 中心 酒店 宾馆 中学 小学 学校 ' +
  '医院 银行 超市 菜场 路 街 巷 弄 里 苑 村 区 镇 乡 湾 庄 府 邸 园 城 院 居 坊 站 桥 江 河 湖 山'
)
  .split(/\s+/u)
  .sort((a, b) => b.length - a.length);

/** The place suffix of `word` when it is a place name (three characters or more), else null. */
export function placeSuffix(word: string): string | null {
  if ([...word].length < 3) return null;
  for (const s of PLACE_SUFFIXES) if (word.endsWith(s) && word.length > s.length) return s;
  return null;
}
