/**
 * The codec against the published frames of protocols.md §7 (every decoded value asserted), plus
 * the 2013/2019 header variants, registration layouts and authentication bodies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bcdTimeToDate } from './bcd.ts';
import { FrameSplitter, type SplitEvent } from './framing.ts';
import { decodeBatch, decodeLocation, needsAlarmConfirmation, toPosition } from './location.ts';
import {
  decodeAuth,
  decodeRegister,
  decodeTerminalResponse,
  encodeRegisterResponse,
  MSG,
} from './messages.ts';
import { decodePacket, encodePacket, type Jt808Packet } from './packet.ts';
import { JT808_REASONS } from './reader.ts';
import { authBody, registerBody, type TerminalFrame, terminalContent, terminalFrame } from './simulator.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** A terminal frame's bytes between the flags (escaped), as the splitter hands them over. */
const wire = (f: TerminalFrame) => terminalFrame(f).subarray(1, -1);

/** Splits a hex frame as the gateway would and decodes its one packet. */
function packetOf(frame: string | Buffer): Jt808Packet {
  const events: SplitEvent[] = [];
  new FrameSplitter().push(typeof frame === 'string' ? hex(frame) : frame, (e) => events.push(e));
  expect(events).toHaveLength(1);
  const e = events[0];
  if (e.kind !== 'frame') throw new Error(`expected a frame, got ${e.kind}`);
  const r = decodePacket(e.content);
  if (!r.ok) throw new Error(`refused: ${r.reason} ${r.detail}`);
  return r.packet;
}

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string; detail?: string }): T {
  if (!r.ok) throw new Error(`refused: ${r.reason} ${r.detail ?? ''}`);
  return r.value;
}

const V1 =
  '7E 02 00 00 26 12 34 56 78 90 12 00 7D 02 00 00 00 01 00 00 00 02 00 BA 7F 0E 07 E4 F1 1C 00 28 00 3C 00 00 18 10 15 10 10 10 01 04 00 00 00 64 02 02 00 7D 01 13 7E';
const V2 =
  '7E 02 00 00 26 11 22 33 44 55 66 22 B8 00 00 00 01 00 00 00 02 00 BA 7F 0E 07 E4 F1 1C 00 28 00 3C 00 00 18 07 15 10 10 10 01 04 00 00 00 64 02 02 00 37 57 7E';
const V3 =
  '7E 07 04 00 53 11 22 33 44 55 66 22 B8 00 02 00 00 26 00 00 00 01 00 00 00 02 00 BA 7F 0E 07 E4 F1 1C 00 28 00 3C 00 00 18 07 15 10 10 10 01 04 00 00 00 64 02 02 00 37 00 26 00 00 00 02 00 00 00 01 00 CB 73 55 07 E6 A3 23 00 29 00 36 00 78 18 07 15 10 10 30 01 04 00 00 00 60 02 02 00 42 D4 7E';
const V4 =
  '7e02004026010000000001391234432900000000006f0000001601dc9a0707456246007b004200032501292233440202006401040000000c417e';
const V5 =
  '7e0704403f01000000000139123443290000000200001c000000010000000101d907f2073d336c029a00210059241029213903001c000000010000000101d907f3073d336d03090043005a241029213903f87e';
const V10 =
  '7E0100002D000123456789000A002800323132333400736D616C6C6368693132330000000000000000004348493132330001D4C14131323334358A7E';
const V12 = '7E 81 00 00 09 01 23 45 67 89 00 00 0A 00 64 00 31 32 33 34 35 36 68 7E';
const V12_2019 = '7e8100400d01000000000139123443290000006f006f6b2e2e6f6b2e2e6f6bd27e';

describe('published frames (protocols.md §7)', () => {
  it('V1: 0x0200 2013 with escapes in header and body', () => {
    const p = packetOf(V1);
    expect(p.header).toMatchObject({
      messageId: 0x0200,
      bodyLength: 38,
      encryption: 0,
      v2019: false,
      protocolVersion: null,
      phoneDigits: '123456789012',
      terminalPhone: '123456789012',
      serial: 126,
      packet: null,
      length: 12,
    });
    const loc = ok(decodeLocation(p.body));
    expect(loc).toEqual({
      alarm: 1,
      status: 2,
      latitude: 12.222222,
      longitude: 132.444444,
      altitude: 40,
      speed: 6,
      direction: 0,
      time: { year: 2018, month: 10, day: 15, hour: 10, minute: 10, second: 10 },
      extras: { mileageKm: 10, fuelL: 12.5 },
    });
    expect(bcdTimeToDate(loc.time)).toEqual(new Date('2018-10-15T02:10:10Z'));
    // Alarm bit 0 is SOS: cleared by the terminal only once answered (result 4).
    expect(needsAlarmConfirmation(loc.alarm, false)).toBe(true);
  });

  it('V2: 0x0200 2013', () => {
    const p = packetOf(V2);
    expect(p.header).toMatchObject({
      messageId: 0x0200,
      terminalPhone: '112233445566',
      serial: 8888,
      bodyLength: 38,
    });
    expect(p.header.packet).toBeNull();
    expect(p.header.encryption).toBe(0);
    expect(ok(decodeLocation(p.body))).toEqual({
      alarm: 1,
      status: 2,
      latitude: 12.222222,
      longitude: 132.444444,
      altitude: 40,
      speed: 6,
      direction: 0,
      time: { year: 2018, month: 7, day: 15, hour: 10, minute: 10, second: 10 },
      extras: { mileageKm: 10, fuelL: 5.5 },
    });
    expect(hex(V2).at(-2)).toBe(0x57);
  });

  it('V3: 0x0704 batch of two, 2013', () => {
    const p = packetOf(V3);
    expect(p.header).toMatchObject({
      messageId: 0x0704,
      terminalPhone: '112233445566',
      serial: 8888,
      bodyLength: 83,
    });
    const b = ok(decodeBatch(p.body));
    expect(b).toMatchObject({ count: 2, type: 0, skipped: [], truncated: false });
    expect(b.locations).toEqual([
      {
        alarm: 1,
        status: 2,
        latitude: 12.222222,
        longitude: 132.444444,
        altitude: 40,
        speed: 6,
        direction: 0,
        time: { year: 2018, month: 7, day: 15, hour: 10, minute: 10, second: 10 },
        extras: { mileageKm: 10, fuelL: 5.5 },
      },
      {
        alarm: 2,
        status: 1,
        latitude: 13.333333,
        longitude: 132.555555,
        altitude: 41,
        speed: 5.4,
        direction: 120,
        time: { year: 2018, month: 7, day: 15, hour: 10, minute: 10, second: 30 },
        extras: { mileageKm: 9.6, fuelL: 6.6 },
      },
    ]);
    expect(hex(V3).at(-2)).toBe(0xd4);
  });

  it('V4: 0x0200 with a 2019 header; status bit 2 makes the latitude south', () => {
    const p = packetOf(V4);
    expect(p.header).toMatchObject({
      messageId: 0x0200,
      bodyLength: 38,
      v2019: true,
      protocolVersion: 1,
      phoneDigits: '00000000013912344329',
      terminalPhone: '13912344329',
      serial: 0,
      packet: null,
      length: 17,
    });
    const loc = ok(decodeLocation(p.body));
    expect(loc).toEqual({
      alarm: 0x6f,
      status: 0x16,
      latitude: -31.234567,
      longitude: 121.987654,
      altitude: 123,
      speed: 6.6,
      direction: 3,
      time: { year: 2025, month: 1, day: 29, hour: 22, minute: 33, second: 44 },
      extras: { fuelL: 10, mileageKm: 1.2 },
    });
    expect(bcdTimeToDate(loc.time)).toEqual(new Date('2025-01-29T14:33:44Z'));
    expect(bcdTimeToDate(loc.time, 0)).toEqual(new Date('2025-01-29T22:33:44Z'));
    expect(hex(V4).at(-2)).toBe(0x41);
  });

  it('V5: 0x0704 with a 2019 header', () => {
    const p = packetOf(V5);
    expect(p.header).toMatchObject({
      messageId: 0x0704,
      v2019: true,
      terminalPhone: '13912344329',
      bodyLength: 63,
    });
    const b = ok(decodeBatch(p.body));
    expect(b).toMatchObject({ count: 2, type: 0, skipped: [], truncated: false });
    const time = { year: 2024, month: 10, day: 29, hour: 21, minute: 39, second: 3 };
    expect(b.locations).toEqual([
      {
        alarm: 1,
        status: 1,
        latitude: 31.000562,
        longitude: 121.451372,
        altitude: 666,
        speed: 3.3,
        direction: 89,
        time,
        extras: {},
      },
      {
        alarm: 1,
        status: 1,
        latitude: 31.000563,
        longitude: 121.451373,
        altitude: 777,
        speed: 6.7,
        direction: 90,
        time,
        extras: {},
      },
    ]);
    // Status bit 1 clear: ACC on but no fix.
    const none = (): [number, number] => [Number.NaN, Number.NaN];
    expect(toPosition(b.locations[0], { utcOffsetMinutes: 480, crs: 'wgs84' }, false, none)).toMatchObject({
      positioned: false,
      time: new Date('2024-10-29T13:39:03Z'),
      deviceTime: '241029213903',
    });
  });

  it('V10: 0x0100 register, 2013 layout, GBK plate', () => {
    const p = packetOf(V10);
    expect(p.header).toMatchObject({
      messageId: 0x0100,
      phoneDigits: '000123456789',
      terminalPhone: '123456789',
      serial: 10,
    });
    expect(ok(decodeRegister(p.body, p.header.v2019))).toEqual({
      layout: '2013',
      province: 40,
      city: 50,
      maker: '1234',
      model: 'smallchi123',
      terminalId: 'CHI123',
      plateColour: 1,
      plate: '粤A12345',
    });
  });

  it('V12: 0x8100 register response, 2013 and 2019, encoded byte for byte', () => {
    const p = packetOf(V12);
    expect(p.header).toMatchObject({
      messageId: 0x8100,
      phoneDigits: '012345678900',
      terminalPhone: '12345678900',
      serial: 10,
    });
    expect(Buffer.from(p.body).readUInt16BE(0)).toBe(100);
    expect(p.body[2]).toBe(0);
    expect(Buffer.from(p.body.subarray(3)).toString('latin1')).toBe('123456');
    const to2013 = { v2019: false, protocolVersion: null, phoneDigits: '012345678900' };
    expect(
      encodePacket(
        to2013,
        MSG.registerResponse,
        10,
        encodeRegisterResponse(100, { result: 0, authCode: '123456' }),
      ),
    ).toEqual(hex(V12));

    const p19 = packetOf(V12_2019);
    expect(p19.header).toMatchObject({
      v2019: true,
      protocolVersion: 1,
      terminalPhone: '13912344329',
      serial: 0,
    });
    const to2019 = { v2019: true, protocolVersion: 1, phoneDigits: p19.header.phoneDigits };
    expect(
      encodePacket(
        to2019,
        MSG.registerResponse,
        0,
        encodeRegisterResponse(111, { result: 0, authCode: 'ok..ok..ok' }),
      ),
    ).toEqual(hex(V12_2019));
    // No auth code unless the result is 0.
    expect(encodeRegisterResponse(7, { result: 4 })).toEqual(Buffer.from([0, 7, 4]));
  });
});

describe('headers', () => {
  it('reads 2013 and 2019 headers with and without subpackage fields', () => {
    const body = Buffer.from([1, 2, 3]);
    const cases = [
      { v2019: false, packet: undefined, length: 12 },
      { v2019: false, packet: { total: 3, index: 2 }, length: 16 },
      { v2019: true, packet: undefined, length: 17 },
      { v2019: true, packet: { total: 3, index: 3 }, length: 21 },
    ];
    for (const c of cases) {
      const phone = c.v2019 ? '12345678901234567890' : '013912344329';
      const p = packetOf(
        terminalFrame({
          messageId: 0x0002,
          phone,
          serial: 65535,
          body,
          v2019: c.v2019,
          protocolVersion: 3,
          packet: c.packet,
        }),
      );
      expect(p.header).toEqual({
        messageId: 2,
        bodyLength: 3,
        encryption: 0,
        v2019: c.v2019,
        protocolVersion: c.v2019 ? 3 : null,
        phoneDigits: phone,
        terminalPhone: phone.replace(/^0+/, ''),
        serial: 65535,
        packet: c.packet ?? null,
        length: c.length,
      });
      expect([...p.body]).toEqual([1, 2, 3]);
    }
  });

  it('reads the properties word 0x64FF: 2019, subpackage, RSA, length 255 (refused: encrypted)', () => {
    const content = wire({
      messageId: 0x0200,
      phone: '1',
      serial: 1,
      body: Buffer.alloc(255),
      v2019: true,
      encryption: 1,
      packet: { total: 2, index: 1 },
    });
    expect(
      terminalContent({
        messageId: 0x0200,
        phone: '1',
        serial: 1,
        body: Buffer.alloc(255),
        v2019: true,
        encryption: 1,
        packet: { total: 2, index: 1 },
      }).readUInt16BE(2),
    ).toBe(0x64ff);
    const r = decodePacket(content);
    expect(r).toMatchObject({ ok: false, reason: 'encrypted' });
    expect(!r.ok && r.header).toMatchObject({
      bodyLength: 255,
      encryption: 1,
      v2019: true,
      packet: { total: 2, index: 1 },
    });
  });

  it('refuses a wrong checksum, a lying length, a short frame and bad subpacket numbers, keeping the header', () => {
    const f = { messageId: 0x0002, phone: '13800138000', serial: 5, body: Buffer.alloc(4) };
    const checks: [Buffer, string, boolean][] = [
      [wire({ ...f, checksumError: 0x01 }), 'bad_checksum', true],
      [wire({ ...f, declaredLength: 3 }), 'length_mismatch', true],
      [wire({ ...f, declaredLength: 5 }), 'length_mismatch', true],
      [wire({ ...f, packet: { total: 2, index: 0 } }), 'bad_subpacket', true],
      [wire({ ...f, packet: { total: 2, index: 3 } }), 'bad_subpacket', true],
      [wire({ ...f, packet: { total: 0, index: 0 } }), 'bad_subpacket', true],
      [terminalContent(f).subarray(0, 10), 'too_short', false],
      [
        Buffer.concat([terminalContent(f).subarray(0, 12), Buffer.from([0x7d, 0x03, 0x00])]),
        'bad_escape',
        true,
      ],
      [Buffer.from([0x00, 0x02, 0x7d]), 'bad_escape', false],
    ];
    for (const [content, reason, hasHeader] of checks) {
      const r = decodePacket(content);
      expect({ reason, r: r.ok ? 'ok' : r.reason }).toEqual({ reason, r: reason });
      expect(!r.ok && r.header !== undefined).toBe(hasHeader);
      if (hasHeader) expect(!r.ok && r.header).toMatchObject({ serial: 5, terminalPhone: '13800138000' });
    }
  });
});

describe('locations', () => {
  const base = hex(V2).subarray(13, 13 + 28);

  it('decodes every known additional item, keeps vendor and odd-length items raw, and stops at a cut item', () => {
    const items = hex(
      [
        '01 04 00 00 30 39', // mileage 12345 → 1234.5 km
        '02 02 01 F4', // fuel 500 → 50 L
        '03 02 03 E8', // tachograph 1000 → 100 km/h
        '04 02 00 07', // alarm event 7
        '11 01 00', // overspeed, no specific place
        '12 06 02 00 00 00 09 01', // leaving rectangle 9
        '13 07 00 00 00 0B 00 3C 00', // road 11, 60 s, too short
        '25 04 00 00 00 11', // extended signals
        '2A 02 00 02', // IO: sleep
        '2B 04 00 10 00 20', // AD1 16, AD0 32
        '30 01 1F', // signal 31
        '31 01 0C', // 12 satellites
        'EB 03 AA BB CC', // vendor
        '01 02 00 01', // known id, wrong length → raw
        'E1 09 01 02', // length runs past the body
      ].join(' '),
    );
    const loc = ok(decodeLocation(Buffer.concat([base, items])));
    expect(loc.extras).toEqual({
      mileageKm: 1234.5,
      fuelL: 50,
      tachographSpeed: 100,
      alarmEventId: 7,
      overspeedAlarm: { locationType: 0 },
      areaAlarm: { locationType: 2, areaId: 9, direction: 'out' },
      roadTimeAlarm: { roadId: 11, seconds: 60, result: 'short' },
      extendedSignals: 0x11,
      io: 2,
      analog: { ad0: 32, ad1: 16 },
      signalStrength: 31,
      satellites: 12,
      raw: { '0xeb': 'aabbcc', '0x01': '0001' },
      truncated: { offset: 28 + items.length - 4, id: 0xe1 },
    });
  });

  it('refuses an impossible time, a non-decimal BCD, a short block and coordinates off the globe', () => {
    const withTime = (t: string) => Buffer.concat([base.subarray(0, 22), hex(t)]);
    for (const t of [
      '180230101010',
      '181315101010',
      '180715241010',
      '180715106010',
      '1807151010A0',
      '000000000000',
    ]) {
      expect(decodeLocation(withTime(t))).toMatchObject({ ok: false, reason: 'bad_time' });
    }
    expect(ok(decodeLocation(withTime('240229235959'))).time).toEqual({
      year: 2024,
      month: 2,
      day: 29,
      hour: 23,
      minute: 59,
      second: 59,
    });
    expect(decodeLocation(base.subarray(0, 27))).toMatchObject({ ok: false, reason: 'bad_body' });
    const far = Buffer.from(base);
    far.writeUInt32BE(90_000_001, 8);
    expect(decodeLocation(far)).toMatchObject({ ok: false, reason: 'bad_coordinates' });
  });

  it('reads altitude as signed and west longitude from status bit 3', () => {
    const b = Buffer.from(base);
    b.writeInt16BE(-12, 16);
    b.writeUInt32BE(0x2 | 0x8, 4);
    expect(ok(decodeLocation(b))).toMatchObject({
      altitude: -12,
      longitude: -132.444444,
      latitude: 12.222222,
    });
  });

  it('converts only a GCJ-02 terminal to WGS84, and applies its UTC offset', () => {
    // The real conversion (geo's convertLngLat) is the gateway's; here, that the codec applies it.
    const shift = (lng: number, lat: number): [number, number] => [lng - 0.0045, lat + 0.002];
    const loc = { ...ok(decodeLocation(base)), latitude: 31.2304, longitude: 121.4737 };
    const wgs = toPosition(loc, { utcOffsetMinutes: 480, crs: 'wgs84' }, false, shift);
    const gcj = toPosition(loc, { utcOffsetMinutes: 0, crs: 'gcj02' }, true, shift);
    expect([wgs.lat, wgs.lng]).toEqual([31.2304, 121.4737]);
    expect([gcj.lat, gcj.lng]).toEqual(shift(121.4737, 31.2304).reverse());
    expect(wgs.time).toEqual(new Date('2018-07-15T02:10:10Z'));
    expect(gcj.time).toEqual(new Date('2018-07-15T10:10:10Z'));
    expect(gcj.blindArea).toBe(true);
  });

  it('skips a bad batch item and keeps the others; a cut batch keeps what came', () => {
    const good = hex(V3).subarray(18, 18 + 38);
    const bad = Buffer.from(good);
    bad[23] = 0x13; // month 13
    const body = Buffer.concat([hex('0003 01'), hex('0026'), good, hex('0026'), bad, hex('0026'), good]);
    const b = ok(decodeBatch(body));
    expect(b).toMatchObject({
      count: 3,
      type: 1,
      truncated: false,
      skipped: [{ item: 2, reason: 'bad_time' }],
    });
    expect(b.locations).toHaveLength(2);
    const cut = ok(decodeBatch(body.subarray(0, body.length - 5)));
    expect(cut).toMatchObject({ truncated: true, skipped: [{ item: 2 }] });
    expect(cut.locations).toHaveLength(1);
    expect(decodeBatch(hex('00'))).toMatchObject({ ok: false, reason: 'bad_body' });
  });

  it('asks for alarm confirmation only for the bits the terminal clears on an answer', () => {
    for (const bit of [0, 3, 20, 21, 22, 27, 28, 31])
      expect(needsAlarmConfirmation((1 << bit) >>> 0, false)).toBe(true);
    for (const bit of [1, 2, 4, 7, 8, 13, 19, 23, 29, 30])
      expect(needsAlarmConfirmation(1 << bit, false)).toBe(false);
    // 2019: bit 3 is dangerous-driving behaviour, held until it ends.
    expect(needsAlarmConfirmation(1 << 3, true)).toBe(false);
    expect(needsAlarmConfirmation(1, true)).toBe(true);
  });
});

describe('registration and authentication bodies', () => {
  const reg = {
    province: 44,
    city: 300,
    maker: 'MK',
    model: 'X1',
    terminalId: 'T0001',
    plateColour: 2,
    plate: '粤B7K9Q2',
  };

  it('reads the 2011, 2013 and 2019 layouts', () => {
    for (const layout of ['2011', '2013', '2019'] as const) {
      expect(ok(decodeRegister(registerBody({ ...reg, layout }), layout === '2019'))).toEqual({
        ...reg,
        layout,
      });
    }
    // A 2011 body whose plate is a 17-character VIN (colour 0) is as long as a 2013 one could be.
    const vin = { ...reg, plateColour: 0, plate: 'LSVAU2180N2183294' };
    expect(ok(decodeRegister(registerBody({ ...vin, layout: '2011' }), false))).toEqual({
      ...vin,
      layout: '2011',
    });
    expect(decodeRegister(Buffer.alloc(10), false)).toMatchObject({ ok: false, reason: 'bad_body' });
    expect(decodeRegister(registerBody({ ...reg, layout: '2013' }), true)).toMatchObject({
      ok: false,
      reason: 'bad_body',
    });
  });

  it('reads 2013 and 2019 authentication', () => {
    expect(ok(decodeAuth(authBody('码123'), false))).toEqual({ authCode: '码123' });
    expect(ok(decodeAuth(authBody('abc', true, '860000000000001', 'V1.2.3'), true))).toEqual({
      authCode: 'abc',
      imei: '860000000000001',
      softwareVersion: 'V1.2.3',
    });
    expect(decodeAuth(authBody('abc', true).subarray(0, 20), true)).toMatchObject({
      ok: false,
      reason: 'bad_body',
    });
    expect(ok(decodeTerminalResponse(hex('0001 8001 00')))).toEqual({
      replySerial: 1,
      replyId: 0x8001,
      result: 0,
    });
  });
});

describe('decoders on any input (fast-check)', () => {
  const valid = [hex(V2).subarray(13, -2), hex(V3).subarray(13, -2), hex(V10).subarray(13, -2)];
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 1200 }),
    fc
      .tuple(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
      )
      .map(([b, flips, cut]) => {
        const out = Buffer.from(b);
        for (const [at, v] of flips) out[at % out.length] = v;
        return out.subarray(0, cut % (out.length + 1));
      }),
  );

  it('answers a value or a known reason, never throws', () => {
    const known = (r: { ok: boolean; reason?: string }) =>
      r.ok || (JT808_REASONS as readonly string[]).includes(r.reason ?? '');
    fc.assert(
      fc.property(input, fc.boolean(), (bytes, v2019) => {
        expect(known(decodePacket(bytes))).toBe(true);
        const loc = decodeLocation(bytes);
        expect(known(loc)).toBe(true);
        if (loc.ok) {
          expect(Math.abs(loc.value.latitude)).toBeLessThanOrEqual(90);
          expect(Math.abs(loc.value.longitude)).toBeLessThanOrEqual(180);
          expect(Number.isFinite(bcdTimeToDate(loc.value.time).getTime())).toBe(true);
        }
        const batch = decodeBatch(bytes);
        expect(known(batch)).toBe(true);
        if (batch.ok)
          expect(batch.value.locations.length + batch.value.skipped.length).toBeLessThanOrEqual(
            batch.value.count,
          );
        expect(known(decodeRegister(bytes, v2019))).toBe(true);
        expect(known(decodeAuth(bytes, v2019))).toBe(true);
        expect(known(decodeTerminalResponse(bytes))).toBe(true);
      }),
      { seed: 808, numRuns: 3000 },
    );
  });
});
