import { describe, expect, it } from 'vitest';
import { chineseNumber, normaliseAddress } from './address.ts';

describe('normaliseAddress', () => {
  it('makes two writings of one address equal', () => {
    const a = normaliseAddress('海曙区解放北路82号', ['海曙区']);
    expect(a).toBe('解放北路82号');
    for (const other of [
      '解放北路８２號',
      ' 解放北路 82 号 ',
      '浙江省宁波市海曙区解放北路82号',
      '宁波市海曙区 解放北路82号门口',
      '解放北路八十二号',
      '解放北路82号（附近）',
    ]) {
      expect(normaliseAddress(other, ['海曙区']), other).toBe(a);
    }
  });

  it('keeps what tells two addresses apart', () => {
    expect(normaliseAddress('解放北路82-1号')).toBe('解放北路82之1号');
    expect(normaliseAddress('解放北路82-1号')).not.toBe(normaliseAddress('解放北路821号'));
    expect(normaliseAddress('解放北路82号')).not.toBe(normaliseAddress('解放南路82号'));
    expect(normaliseAddress('中山东路3弄')).not.toBe(normaliseAddress('中山东路3号'));
  });

  it('unifies building, lane and number words', () => {
    expect(normaliseAddress('华光小区3栋')).toBe(normaliseAddress('华光小区3号楼'));
    expect(normaliseAddress('华光小区3#')).toBe('华光小区3号');
    expect(normaliseAddress('华光小区三幢')).toBe('华光小区3幢');
    expect(normaliseAddress('天一广场Ａ座')).toBe('天一广场a座');
    expect(normaliseAddress('兴宁路十衖')).toBe('兴宁路10弄');
  });

  it('leaves a shop whose name ends in 市 alone unless a district follows', () => {
    expect(normaliseAddress('华润超市门口')).toBe('华润超市');
    expect(normaliseAddress('宁波市鄞州区天童南路')).toBe('鄞州区天童南路');
    expect(normaliseAddress('宁波市鄞州区天童南路', ['鄞州区'])).toBe('天童南路');
  });

  it('strips the given division names only at the start and never to nothing', () => {
    expect(normaliseAddress('海曙区', ['海曙区'])).toBe('海曙区');
    expect(normaliseAddress('鼓楼街道公园路', ['海曙区', '鼓楼街道'])).toBe('公园路');
    expect(normaliseAddress('公园路海曙区', ['海曙区'])).toBe('公园路海曙区');
  });
});

describe('chineseNumber', () => {
  it('reads numerals below ten thousand', () => {
    expect(chineseNumber('八十二')).toBe(82);
    expect(chineseNumber('十三')).toBe(13);
    expect(chineseNumber('一百零五')).toBe(105);
    expect(chineseNumber('二〇三')).toBe(203);
    expect(chineseNumber('两千')).toBe(2000);
    expect(chineseNumber('甲')).toBeNull();
  });
});
