/**
 * The model: it finds types from words that never name them, it learns a labelled text and
 * forgets it, learning is bounded (one wrong correction moves only texts very like it; a type
 * keeps at most `learnedCap` learned texts), and its scores are a proper ranking.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS } from './model.ts';
import { offlineModel } from './offline.ts';
import { loadTrainingTexts } from './seed.ts';

const first = (m: ReturnType<typeof offlineModel>, text: string) => m.classify(text)[0]?.code;

describe('classifying', () => {
  const m = offlineModel();

  it('finds the type from colloquial words that never name it', () => {
    expect(first(m, '下水道盖子被压碎了')).toBe('01002'); // 污水井盖异常
    expect(first(m, '楼下那家小饭店的烟直往我家窗户里钻，呛得咳嗽')).toBe('06027'); // 油烟污染
    expect(first(m, '墙上贴满了通下水道的小卡片')).toBe('07001'); // 非法小广告
    expect(first(m, '半夜还在打桩，根本睡不着')).toBe('08001'); // 施工扰民
  });

  it('ranks every type, best first, with shares that add up to one', () => {
    const ranked = m.classify('路灯晚上不亮');
    expect(ranked.length).toBeGreaterThanOrEqual(250);
    for (let i = 1; i < ranked.length; i++)
      expect(ranked[i - 1].score).toBeGreaterThanOrEqual(ranked[i].score);
    expect(ranked.reduce((a, s) => a + s.score, 0)).toBeCloseTo(1, 6);
  });

  it('says when the words give no evidence at all', () => {
    const info: { evidence?: number } = {};
    m.classify('qwertyuiop 12345', undefined, info);
    expect(info.evidence).toBe(0);
    m.classify('井盖松了', undefined, info);
    expect(info.evidence).toBeGreaterThan(0);
  });

  it('favours the anomaly of a component standing near the point', () => {
    const text = '盖子翘起来了';
    const score = (near?: Map<string, number>) =>
      m.classify(text, near).find((s) => s.code === '01011')!.score;
    expect(score(new Map([['01011', 1]]))).toBeGreaterThan(score());
  });
});

describe('learning', () => {
  const taught = '路口那个铁盖子上印着一个闪电标志，被车压得翘起来了';
  const similar = '学校门口那个印着闪电标志的铁盖子又翘起来了';

  it('a correction changes the suggestion for a similar text; removing it undoes that', () => {
    const m = offlineModel();
    expect(first(m, similar)).not.toBe('01005');
    expect(m.model.add({ id: 'c1', code: '01005', text: taught, weight: 1, learned: true })).toBe(true);
    expect(first(m, similar)).toBe('01005');
    expect(m.model.size.learned).toBe(1);
    expect(m.model.remove('c1')).toBe(true);
    expect(first(m, similar)).not.toBe('01005');
    expect(m.model.size.learned).toBe(0);
  });

  it('the same text twice, or a text of an unknown type, changes nothing', () => {
    const m = offlineModel();
    expect(m.model.add({ id: 'a', code: '01005', text: taught, weight: 1, learned: true })).toBe(true);
    expect(m.model.add({ id: 'a', code: '01005', text: taught, weight: 1, learned: true })).toBe(false);
    expect(m.model.add({ id: 'b', code: '77777', text: taught, weight: 1, learned: true })).toBe(false);
  });

  it('one wrong correction does not swamp a type: the type’s own texts keep it', () => {
    const train = loadTrainingTexts();
    const m = offlineModel({ train });
    // Texts of 垃圾站（箱）满溢 the model gets right before …
    const own = train.filter((l) => l.code === '06042' && first(m, l.text) === '06042');
    expect(own.length).toBeGreaterThanOrEqual(8);
    // … an acceptor wrongly files one overflowing bin as noise (噪声扰民).
    m.model.add({
      id: 'bad',
      code: '06028',
      text: '小区门口的垃圾桶满了，臭得要命',
      weight: 1,
      learned: true,
    });
    const kept = own.filter((l) => first(m, l.text) === '06042').length;
    expect(kept / own.length).toBeGreaterThanOrEqual(0.9);
    // And the noise type did not take over texts of other types either.
    const sample = train.filter((_, i) => i % 7 === 0 && !['06042', '06028'].includes(train[i].code));
    const before = offlineModel({ train });
    const moved = sample.filter((l) => first(before, l.text) !== '06028' && first(m, l.text) === '06028');
    expect(moved).toEqual([]);
  });

  it('many agreeing corrections are what moves a kind of text, within the neighbours’ cap', () => {
    const m = offlineModel();
    for (let i = 0; i < 30; i++) {
      m.model.add({ id: `n${i}`, code: '01005', text: `${taught} ${i}号`, weight: 1, learned: true });
    }
    expect(first(m, similar)).toBe('01005');
    // Words about something else entirely are untouched by thirty corrections about covers.
    expect(first(m, '楼下饭店油烟太大了')).toBe('06027');
  });

  it('a type keeps only its newest learned texts', () => {
    const m = offlineModel({ params: { ...DEFAULT_PARAMS, learnedCap: 3 } });
    for (let i = 0; i < 5; i++) {
      m.model.add({ id: `k${i}`, code: '06010', text: `第${i}次上报路边有垃圾袋`, weight: 1, learned: true });
    }
    expect(m.model.size.learned).toBe(3);
    expect(m.model.has('k0')).toBe(false);
    expect(m.model.has('k1')).toBe(false);
    expect(m.model.has('k4')).toBe(true);
  });
});
