/**
 * One JT/T 808 packet: header (protocols.md §4.3) + body, from a frame's escaped content and back.
 *
 * Header layouts, told apart by body-properties bit 14:
 *   2013: id WORD, properties WORD, phone BCD[6], serial WORD [, total WORD, index WORD]   12 / 16 bytes
 *   2019: id WORD, properties WORD, version BYTE, phone BCD[10], serial WORD [, total, index] 17 / 21 bytes
 * Properties: bits 0–9 body length, 10–12 encryption, 13 subpackage, 14 version flag, 15 reserved.
 *
 * A refused packet carries its header when the header could be read, so the gateway can answer
 * 0x8001 result 2 to the serial the terminal will be waiting on; otherwise it is only dropped.
 */
import { encodePhone, phoneDigits, terminalPhoneOf } from './bcd.ts';
import { escapeFrame, unescapeFrame, xorChecksum } from './framing.ts';
import { BodyError, ByteReader, type Jt808Reason } from './reader.ts';

export interface Jt808Header {
  messageId: number;
  /** Body length the header declares (properties bits 0–9). */
  bodyLength: number;
  /** Properties bits 10–12: 0 none, bit 10 RSA. */
  encryption: number;
  /** Properties bit 14: a 2019 header (version byte, BCD[10] phone). */
  v2019: boolean;
  /** The 2019 header's protocol version byte; null in 2013. */
  protocolVersion: number | null;
  /** The phone/ID's digits as sent (12 in 2013, 20 in 2019), used to address the answer. */
  phoneDigits: string;
  /** The same without leading zeros: the terminal's identity for the backend (bcd.ts). */
  terminalPhone: string;
  /** The terminal's serial (流水号) of this packet. */
  serial: number;
  /** Packet total and index (1-based) when properties bit 13 is set; null otherwise. */
  packet: { total: number; index: number } | null;
  /** Bytes the header took (12, 16, 17 or 21). */
  length: number;
}

export interface Jt808Packet {
  header: Jt808Header;
  body: Uint8Array;
}

export type PacketResult =
  | { ok: true; packet: Jt808Packet }
  | { ok: false; reason: Jt808Reason; detail?: string; header?: Jt808Header };

/** Whom an answer goes to: the header form and phone of the packet it answers. */
export interface Jt808Address {
  v2019: boolean;
  protocolVersion: number | null;
  phoneDigits: string;
}

/** The smallest frame: a 2013 header without subpackage fields, an empty body and the checksum. */
export const MIN_PACKET = 12 + 1;
export const MAX_BODY = 0x3ff;

/** Reads a header from the first `end` bytes (throws BodyError `too_short` when they end first). */
function readHeader(bytes: Uint8Array, end: number): Jt808Header {
  const r = new ByteReader(bytes, 0, end, 'too_short');
  const messageId = r.u16();
  const props = r.u16();
  const v2019 = (props & 0x4000) !== 0;
  const protocolVersion = v2019 ? r.u8() : null;
  const digits = phoneDigits(r.bytes(v2019 ? 10 : 6));
  const serial = r.u16();
  const packet = (props & 0x2000) !== 0 ? { total: r.u16(), index: r.u16() } : null;
  return {
    messageId,
    bodyLength: props & MAX_BODY,
    encryption: (props >> 10) & 0x7,
    v2019,
    protocolVersion,
    phoneDigits: digits,
    terminalPhone: terminalPhoneOf(digits),
    serial,
    packet,
    length: r.offset,
  };
}

/** The header of `bytes` (header + body + checksum), or null when too short to hold one. */
function tryHeader(bytes: Uint8Array): Jt808Header | undefined {
  try {
    return readHeader(bytes, Math.max(0, bytes.length - 1));
  } catch (e) {
    if (e instanceof BodyError) return undefined;
    throw e;
  }
}

/** Reads the header of a refused frame's (escaped) bytes as best it can, for answering it. */
export function readableHeader(content: Uint8Array): Jt808Header | undefined {
  const lenient = unescapeFrame(content, true);
  if (!lenient.ok) return undefined;
  // Oversized frames keep only their head: read the header without a checksum after it.
  try {
    return readHeader(lenient.value, lenient.value.length);
  } catch (e) {
    if (e instanceof BodyError) return undefined;
    throw e;
  }
}

/** Unescapes, verifies and parses one frame's content (the bytes between two 0x7E flags). */
export function decodePacket(content: Uint8Array): PacketResult {
  const un = unescapeFrame(content);
  if (!un.ok) return { ok: false, reason: un.reason, detail: un.detail, header: readableHeader(content) };
  const bytes = un.value;
  if (bytes.length < MIN_PACKET) {
    return { ok: false, reason: 'too_short', detail: `${bytes.length} bytes`, header: tryHeader(bytes) };
  }
  const header = tryHeader(bytes);
  if (!header) return { ok: false, reason: 'too_short', detail: `${bytes.length} bytes, header cut` };
  const last = bytes.length - 1;
  const sum = xorChecksum(bytes, 0, last);
  if (sum !== bytes[last]) {
    return {
      ok: false,
      reason: 'bad_checksum',
      detail: `computed ${sum}, frame says ${bytes[last]}`,
      header,
    };
  }
  const bodyLength = last - header.length;
  if (bodyLength !== header.bodyLength) {
    const detail = `header says ${header.bodyLength} body bytes, ${bodyLength} came`;
    return { ok: false, reason: 'length_mismatch', detail, header };
  }
  if (header.encryption !== 0) {
    return { ok: false, reason: 'encrypted', detail: `encryption bits ${header.encryption}`, header };
  }
  if (header.packet) {
    const { total, index } = header.packet;
    if (total < 1 || index < 1 || index > total) {
      return { ok: false, reason: 'bad_subpacket', detail: `packet ${index} of ${total}`, header };
    }
  }
  return { ok: true, packet: { header, body: bytes.subarray(header.length, last) } };
}

/** Builds, checksums and escapes one packet (no subpackage: the platform's bodies are small). */
export function encodePacket(to: Jt808Address, messageId: number, serial: number, body: Uint8Array): Buffer {
  if (body.length > MAX_BODY) throw new RangeError(`body of ${body.length} bytes does not fit one packet`);
  const phone = encodePhone(to.phoneDigits, to.v2019 ? 10 : 6);
  const headerLength = to.v2019 ? 17 : 12;
  const out = Buffer.alloc(headerLength + body.length + 1);
  out.writeUInt16BE(messageId, 0);
  out.writeUInt16BE(body.length | (to.v2019 ? 0x4000 : 0), 2);
  let at = 4;
  if (to.v2019) out[at++] = to.protocolVersion ?? 1;
  phone.copy(out, at);
  at += phone.length;
  out.writeUInt16BE(serial & 0xffff, at);
  out.set(body, headerLength);
  out[out.length - 1] = xorChecksum(out, 0, out.length - 1);
  return escapeFrame(out);
}
