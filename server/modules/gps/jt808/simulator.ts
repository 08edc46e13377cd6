/**
 * The terminal's side of the codec: builds what a JT/T 808 terminal sends (frames with 2013 or 2019
 * headers, subpackets, location/batch/register/auth bodies). For tests, the fuzz and the bench's
 * simulated terminals; the gateway never uses it. Options to break a frame on purpose (wrong
 * length, wrong checksum) exist because the tests need frames that lie.
 */
import iconv from 'iconv-lite';
import { type BcdTime, encodePhone } from './bcd.ts';
import { escapeFrame, xorChecksum } from './framing.ts';

export interface TerminalFrame {
  messageId: number;
  /** Phone/ID digits (padded to 12 or 20). */
  phone: string;
  serial: number;
  body: Uint8Array;
  v2019?: boolean;
  protocolVersion?: number;
  packet?: { total: number; index: number };
  encryption?: number;
  /** Declared body length, when it should lie. */
  declaredLength?: number;
  /** XORed into the checksum, when it should be wrong. */
  checksumError?: number;
}

/** The unescaped content (header + body + checksum) of a terminal frame. */
export function terminalContent(f: TerminalFrame): Buffer {
  const v2019 = f.v2019 ?? false;
  const head = Buffer.alloc(4 + (v2019 ? 11 : 6) + 2 + (f.packet ? 4 : 0));
  head.writeUInt16BE(f.messageId, 0);
  const length = (f.declaredLength ?? f.body.length) & 0x3ff;
  const props = length | ((f.encryption ?? 0) << 10) | (f.packet ? 0x2000 : 0) | (v2019 ? 0x4000 : 0);
  head.writeUInt16BE(props, 2);
  let at = 4;
  if (v2019) head[at++] = f.protocolVersion ?? 1;
  encodePhone(f.phone, v2019 ? 10 : 6).copy(head, at);
  at += v2019 ? 10 : 6;
  head.writeUInt16BE(f.serial & 0xffff, at);
  at += 2;
  if (f.packet) {
    head.writeUInt16BE(f.packet.total, at);
    head.writeUInt16BE(f.packet.index, at + 2);
  }
  const content = Buffer.concat([head, f.body, Buffer.alloc(1)]);
  content[content.length - 1] = xorChecksum(content, 0, content.length - 1) ^ (f.checksumError ?? 0);
  return content;
}

/** The bytes on the wire: flags and escaping around `terminalContent`. */
export function terminalFrame(f: TerminalFrame): Buffer {
  return escapeFrame(terminalContent(f));
}

/** A message too long for one packet, cut into `size`-byte subpackets with consecutive serials. */
export function subpackets(f: TerminalFrame, size: number): Buffer[] {
  const total = Math.max(1, Math.ceil(f.body.length / size));
  return Array.from({ length: total }, (_, i) =>
    terminalFrame({
      ...f,
      serial: (f.serial + i) & 0xffff,
      body: f.body.subarray(i * size, (i + 1) * size),
      packet: { total, index: i + 1 },
    }),
  );
}

export interface LocationInput {
  alarm?: number;
  status?: number;
  /** Signed degrees: the sign sets status bits 2/3. */
  lat: number;
  lng: number;
  altitude?: number;
  /** km/h. */
  speed?: number;
  direction?: number;
  time: BcdTime;
  items?: { id: number; value: Uint8Array }[];
}

function bcd(n: number): number {
  return ((Math.floor(n / 10) % 10) << 4) | (n % 10);
}

/** A BcdTime for a UTC instant seen in a zone `utcOffsetMinutes` east (default GMT+8). */
export function bcdTimeOf(date: Date, utcOffsetMinutes = 480): BcdTime {
  const d = new Date(date.getTime() + utcOffsetMinutes * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** A 0x0200 body. */
export function locationBody(l: LocationInput): Buffer {
  const out = Buffer.alloc(28);
  let status = (l.status ?? 0x2) & ~0xc;
  if (l.lat < 0) status |= 0x4;
  if (l.lng < 0) status |= 0x8;
  out.writeUInt32BE((l.alarm ?? 0) >>> 0, 0);
  out.writeUInt32BE(status >>> 0, 4);
  out.writeUInt32BE(Math.round(Math.abs(l.lat) * 1e6), 8);
  out.writeUInt32BE(Math.round(Math.abs(l.lng) * 1e6), 12);
  out.writeInt16BE(l.altitude ?? 0, 16);
  out.writeUInt16BE(Math.round((l.speed ?? 0) * 10), 18);
  out.writeUInt16BE(l.direction ?? 0, 20);
  const t = l.time;
  [t.year % 100, t.month, t.day, t.hour, t.minute, t.second].forEach((v, i) => {
    out[22 + i] = bcd(v);
  });
  const items = (l.items ?? []).map(({ id, value }) =>
    Buffer.concat([Buffer.from([id, value.length]), value]),
  );
  return Buffer.concat([out, ...items]);
}

/** A 0x0704 body from 0x0200 bodies. */
export function batchBody(type: number, bodies: Uint8Array[]): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt16BE(bodies.length, 0);
  head[2] = type;
  const items = bodies.map((b) => {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length, 0);
    return Buffer.concat([len, b]);
  });
  return Buffer.concat([head, ...items]);
}

function fixed(text: string, width: number): Buffer {
  const out = Buffer.alloc(width);
  iconv.encode(text, 'gbk').copy(out, 0, 0, width);
  return out;
}

/** A 0x0100 body in the 2013 (or, with `v2019`, 2019) layout. */
export function registerBody(r: {
  province?: number;
  city?: number;
  maker: string;
  model: string;
  terminalId: string;
  plateColour: number;
  plate: string;
  layout?: '2011' | '2013' | '2019';
}): Buffer {
  const widths = { '2011': [5, 8, 7], '2013': [5, 20, 7], '2019': [11, 30, 30] }[r.layout ?? '2013'];
  const head = Buffer.alloc(4);
  head.writeUInt16BE(r.province ?? 0, 0);
  head.writeUInt16BE(r.city ?? 0, 2);
  return Buffer.concat([
    head,
    fixed(r.maker, widths[0]),
    fixed(r.model, widths[1]),
    fixed(r.terminalId, widths[2]),
    Buffer.from([r.plateColour]),
    iconv.encode(r.plate, 'gbk'),
  ]);
}

/** A 0x0102 body: 2013 the code alone; 2019 length, code, IMEI[15], software version[20]. */
export function authBody(code: string, v2019 = false, imei = '', softwareVersion = ''): Buffer {
  const c = iconv.encode(code, 'gbk');
  if (!v2019) return c;
  return Buffer.concat([Buffer.from([c.length]), c, fixed(imei, 15), fixed(softwareVersion, 20)]);
}
