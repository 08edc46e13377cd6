/**
 * Bodies of the session messages (protocols.md §4.4) other than locations (location.ts):
 * decoding 0x0001 terminal general response, 0x0100 register, 0x0102 authentication; encoding
 * 0x8001 platform general response, 0x8100 register response, 0x8003 re-send request.
 *
 * STRING fields are GBK (iconv-lite). Fixed-width BYTE[n] text fields are padded with 0x00 — at
 * the end by the spec, at the start by some 2019 devices — so both ends are trimmed.
 */
import iconv from 'iconv-lite';
import { ByteReader, type Decoded, guard } from './reader.ts';

export const MSG = {
  terminalResponse: 0x0001,
  heartbeat: 0x0002,
  logout: 0x0003,
  register: 0x0100,
  authenticate: 0x0102,
  location: 0x0200,
  batch: 0x0704,
  platformResponse: 0x8001,
  resendRequest: 0x8003,
  registerResponse: 0x8100,
} as const;

/** 0x8001 results. */
export const RESULT = { ok: 0, fail: 1, messageError: 2, unsupported: 3, alarmConfirmed: 4 } as const;
export type PlatformResult = (typeof RESULT)[keyof typeof RESULT];

/** NUL and whitespace: what pads a fixed-width field. */
const isPadding = (c: string) => c === '\u0000' || c.trim() === '';

function text(bytes: Uint8Array): string {
  const s = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'gbk');
  let start = 0;
  let end = s.length;
  while (start < end && isPadding(s[start])) start++;
  while (end > start && isPadding(s[end - 1])) end--;
  return s.slice(start, end);
}

export interface TerminalResponse {
  replySerial: number;
  replyId: number;
  /** 0 ok, 1 fail, 2 message error, 3 unsupported. */
  result: number;
}

export function decodeTerminalResponse(body: Uint8Array): Decoded<TerminalResponse> {
  return guard(() => {
    const r = new ByteReader(body);
    return { replySerial: r.u16(), replyId: r.u16(), result: r.u8() };
  });
}

export interface RegisterBody {
  layout: '2011' | '2013' | '2019';
  province: number;
  city: number;
  maker: string;
  model: string;
  terminalId: string;
  plateColour: number;
  plate: string;
}

/** Field widths after province and city: maker, model, terminal ID (then colour BYTE, plate STRING). */
const LAYOUTS = {
  '2011': [5, 8, 7],
  '2013': [5, 20, 7],
  '2019': [11, 30, 30],
} as const;

function fixedLength(layout: keyof typeof LAYOUTS): number {
  const [maker, model, id] = LAYOUTS[layout];
  return 4 + maker + model + id + 1;
}

function readRegister(body: Uint8Array, layout: keyof typeof LAYOUTS): RegisterBody {
  const r = new ByteReader(body);
  const [maker, model, id] = LAYOUTS[layout];
  return {
    layout,
    province: r.u16(),
    city: r.u16(),
    maker: text(r.bytes(maker)),
    model: text(r.bytes(model)),
    terminalId: text(r.bytes(id)),
    plateColour: r.u8(),
    plate: text(r.rest()),
  };
}

/**
 * Whether reading `body` with `layout` gives a sane colour and plate: a plate colour code (0–9)
 * and a plate without control bytes. 2011 and 2013 bodies carry no version mark; read with the
 * wrong widths, the colour lands on a text byte (≥ 0x20) or the plate on a field's 0x00 padding.
 */
function plausible(body: Uint8Array, layout: keyof typeof LAYOUTS): boolean {
  const fixed = fixedLength(layout);
  if (body.length < fixed) return false;
  if (body[fixed - 1] > 9) return false;
  let end = body.length;
  while (end > fixed && body[end - 1] === 0) end--;
  for (let i = fixed; i < end; i++) if (body[i] < 0x20) return false;
  return true;
}

/**
 * Decodes a 0x0100 body. A 2019 header (`v2019`) means the 2019 layout; otherwise 2013 when its
 * reading is plausible, else 2011, else whichever the length allows.
 */
export function decodeRegister(body: Uint8Array, v2019: boolean): Decoded<RegisterBody> {
  return guard(() => {
    if (v2019) return readRegister(body, '2019');
    if (plausible(body, '2013')) return readRegister(body, '2013');
    if (plausible(body, '2011')) return readRegister(body, '2011');
    return readRegister(body, body.length >= fixedLength('2013') ? '2013' : '2011');
  });
}

export interface AuthBody {
  authCode: string;
  /** 2019 only. */
  imei?: string;
  softwareVersion?: string;
}

/** Decodes a 0x0102 body: 2013 the code is the whole body; 2019 length BYTE + code + IMEI[15] + version[20]. */
export function decodeAuth(body: Uint8Array, v2019: boolean): Decoded<AuthBody> {
  return guard(() => {
    const r = new ByteReader(body);
    if (!v2019) return { authCode: text(r.rest()) };
    const n = r.u8();
    return { authCode: text(r.bytes(n)), imei: text(r.bytes(15)), softwareVersion: text(r.bytes(20)) };
  });
}

/** 0x8001: reply serial WORD, reply id WORD, result BYTE. */
export function encodePlatformResponse(replySerial: number, replyId: number, result: PlatformResult): Buffer {
  const out = Buffer.alloc(5);
  out.writeUInt16BE(replySerial & 0xffff, 0);
  out.writeUInt16BE(replyId & 0xffff, 2);
  out[4] = result;
  return out;
}

/** Longest auth code: 2019 terminals send it back behind a length BYTE. */
export const MAX_AUTH_CODE_BYTES = 255;

/** 0x8100: reply serial WORD, result BYTE, then the auth code (GBK) only when result is 0. */
export function encodeRegisterResponse(
  replySerial: number,
  answer: { result: number; authCode?: string },
): Buffer {
  if (!Number.isInteger(answer.result) || answer.result < 0 || answer.result > 4) {
    throw new RangeError(`register result ${answer.result}: 0–4 expected`);
  }
  const head = Buffer.alloc(3);
  head.writeUInt16BE(replySerial & 0xffff, 0);
  head[2] = answer.result;
  if (answer.result !== 0) return head;
  const code = iconv.encode(answer.authCode ?? '', 'gbk');
  if (code.length === 0 || code.length > MAX_AUTH_CODE_BYTES) {
    throw new RangeError(`auth code of ${code.length} bytes: 1–${MAX_AUTH_CODE_BYTES} expected`);
  }
  return Buffer.concat([head, code]);
}

/** 0x8003: first packet's serial WORD, count (BYTE in 2013, WORD in 2019), then each index WORD. */
export function encodeResendRequest(firstSerial: number, missing: number[], v2019: boolean): Buffer {
  const ids = missing.slice(0, v2019 ? 0xffff : 0xff);
  const countBytes = v2019 ? 2 : 1;
  const out = Buffer.alloc(2 + countBytes + ids.length * 2);
  out.writeUInt16BE(firstSerial & 0xffff, 0);
  if (v2019) out.writeUInt16BE(ids.length, 2);
  else out[2] = ids.length;
  ids.forEach((id, i) => {
    out.writeUInt16BE(id, 2 + countBytes + i * 2);
  });
  return out;
}
