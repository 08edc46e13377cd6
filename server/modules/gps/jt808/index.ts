/**
 * The JT/T 808 terminal protocol (protocols.md §4): the door the GPS module uses.
 *
 * - `startJt808Gateway` (gateway.ts): the TCP server, with the data side injected as a
 *   `Jt808Backend` (types.ts).
 * - The codec, pure and without I/O, for simulators, benches and tests: framing.ts (splitting,
 *   escaping, checksum), packet.ts (headers 2013/2019), subpackets.ts (reassembly), location.ts
 *   (0x0200, 0x0704, additional items), messages.ts (0x0001, 0x0100, 0x0102, 0x8001, 0x8100,
 *   0x8003), bcd.ts (phone and time).
 */
export { type BcdTime, bcdTimeToDate, DEFAULT_UTC_OFFSET_MINUTES, terminalPhoneOf } from './bcd.ts';
export type { Jt808Counters } from './connection.ts';
export { escapeFrame, FrameSplitter, MAX_ESCAPED_FRAME, unescapeFrame, xorChecksum } from './framing.ts';
export { type Jt808Gateway, type Jt808GatewayOptions, startJt808Gateway } from './gateway.ts';
export {
  decodeBatch,
  decodeLocation,
  type Gcj02ToWgs84,
  type Jt808Batch,
  type Jt808Extras,
  type Jt808Location,
  needsAlarmConfirmation,
  toPosition,
} from './location.ts';
export {
  decodeAuth,
  decodeRegister,
  encodePlatformResponse,
  encodeRegisterResponse,
  encodeResendRequest,
  MSG,
  RESULT,
} from './messages.ts';
export {
  decodePacket,
  encodePacket,
  type Jt808Address,
  type Jt808Header,
  type Jt808Packet,
} from './packet.ts';
export { JT808_REASONS, type Jt808Reason } from './reader.ts';
export { DEFAULT_REASSEMBLY, Reassembler, type ReassemblyLimits } from './subpackets.ts';
export type {
  Jt808Backend,
  Jt808Position,
  Jt808RegisterAnswer,
  Jt808Registration,
  Jt808Settings,
} from './types.ts';
