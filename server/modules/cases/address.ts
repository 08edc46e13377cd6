/**
 * Addresses as people write them, reduced to one form so that two ways of writing one address
 * compare equal: a hotline caller's "解放北路８２號 门口" and a case's "海曙区解放北路82号" (the hotline
 * matches an open case through its address when the caller gives no map point). Pure.
 *
 * What is unified, and why each is safe:
 * - full-width and compatibility forms (８２, Ａ座, （）) → half-width (NFKC), Latin letters lower case;
 * - whitespace and punctuation dropped — except a hyphen between digits (82-1号 is not 821号),
 *   which becomes 之 as in 82之1号;
 * - traditional and variant characters of address words: 號 → 号, 衖 → 弄, 巷 kept;
 * - building words: 栋, 号楼, 座 after a number → 幢 (3栋 = 3号楼 = 3幢); "#" after a number → 号;
 * - Chinese numerals before an address word (八十二号 → 82号, 三弄 → 3弄);
 * - a leading province ("浙江省"), a leading "X市" followed by a district or county, and the given
 *   division names (the district and township of the case compared with) — a caller may say them
 *   or not;
 * - trailing words of nearness (门口, 附近, 旁边, 对面, 边上, 一带, 处): the same spot.
 */

const ADDRESS_WORDS = '号弄幢栋楼室巷单元座';
const DIGIT: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** A Chinese numeral below 10,000 (八十二, 一百零五, 十三, 二〇三) as a number, or null. */
export function chineseNumber(s: string): number | null {
  if (s === '' || ![...s].every((ch) => ch in DIGIT || ch in UNIT)) return null;
  // Digits only (二〇三): read positionally.
  if (![...s].some((ch) => ch in UNIT)) return Number([...s].map((ch) => DIGIT[ch]).join(''));
  let total = 0;
  let digit: number | null = null;
  for (const ch of s) {
    if (ch in DIGIT) digit = DIGIT[ch];
    else {
      total += (digit ?? 1) * UNIT[ch];
      digit = null;
    }
  }
  return total + (digit ?? 0);
}

const NEARNESS = ['门口', '门前', '附近', '旁边', '对面', '边上', '一带', '旁', '处'];

function stripPrefix(s: string, prefixes: readonly string[]): string {
  let out = s;
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of prefixes) {
      if (p && out.startsWith(p) && out.length > p.length) {
        out = out.slice(p.length);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * The address in one form. `divisions`: names a writer may put in front of it or leave out (the
 * district and township of the case it is compared with), stripped at the start.
 */
export function normaliseAddress(text: string, divisions: readonly string[] = []): string {
  let s = text.normalize('NFKC').toLowerCase();
  s = s.replace(/號/g, '号').replace(/衖/g, '弄');
  s = s.replace(/(\d)\s*[-‐‑–—~～之]\s*(?=\d)/g, '$1之');
  s = s.replace(/(\d)\s*#/g, '$1号');
  s = s.replace(new RegExp(`([零〇一二两三四五六七八九十百千]+)(?=[${ADDRESS_WORDS}])`, 'gu'), (m) => {
    const n = chineseNumber(m);
    return n === null ? m : String(n);
  });
  s = s.replace(/(\d)(?:号楼|栋|座)/g, '$1幢');
  // Whitespace, punctuation and symbols (\p{Z}, \p{P}, \p{S}), after the hyphen was kept as 之.
  s = s.replace(/[\p{Z}\p{P}\p{S}\s]+/gu, '');
  s = s.replace(/^\p{Script=Han}{2,3}省/u, '');
  s = s.replace(/^\p{Script=Han}{2,4}市(?=\p{Script=Han}{1,4}[区县])/u, '');
  s = stripPrefix(
    s,
    divisions.map((d) => normaliseAddress(d)).filter((d) => d.length > 0),
  );
  for (let changed = true; changed; ) {
    changed = false;
    for (const w of NEARNESS) {
      if (s.endsWith(w) && s.length > w.length + 1) {
        s = s.slice(0, -w.length);
        changed = true;
      }
    }
  }
  return s;
}
