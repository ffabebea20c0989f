import type { Result } from '../../lib/result.js';

/*
 * TMC's binary frame, as the official TOP SDK clients write and read it (reconstructed from the
 * open-source Python port period331/taobao-tmc-python, messageio.py / messagetype.py; see README).
 * Each WebSocket binary message is one frame, little-endian:
 *
 *   byte   protocolVersion (2)
 *   byte   messageType     0 CONNECT, 1 CONNECTACK, 2 SEND, 3 SENDACK
 *   then headers, each introduced by an int16 header type, until endOfHeaders (0):
 *     1 custom       counted string key, then a typed value (byte format + value)
 *     2 statusCode   int32
 *     3 statusPhrase counted string
 *     4 flag         int32
 *     5 token        counted string
 *   counted string = int32 byte length + UTF-8 bytes
 *   value formats: 0 void, 1 counted string, 2 byte, 3 int16, 4 int32, 5 int64, 6 date (int64 ms), 7 byte array
 */
export const TMC_PROTOCOL_VERSION = 2;
export const MessageType = { CONNECT: 0, CONNECTACK: 1, SEND: 2, SENDACK: 3 } as const;
const Header = { end: 0, custom: 1, statusCode: 2, statusPhrase: 3, flag: 4, token: 5 } as const;
const Format = { void: 0, string: 1, byte: 2, int16: 3, int32: 4, int64: 5, date: 6, bytes: 7 } as const;

/** `__kind` values of SEND frames: the client's pull request and confirm; the server's data. */
export const MessageKind = { PullRequest: 1, Confirm: 2, Data: 3 } as const;

export type TmcValue =
  | { t: 'void' }
  | { t: 'string'; v: string }
  | { t: 'byte' | 'int16' | 'int32'; v: number }
  | { t: 'int64'; v: bigint }
  | { t: 'date'; v: number }
  | { t: 'bytes'; v: Buffer };

export interface TmcFrame {
  protocolVersion?: number;
  messageType: number;
  statusCode?: number;
  statusPhrase?: string;
  flag?: number;
  token?: string;
  content: Record<string, TmcValue>;
}

export const str = (v: string): TmcValue => ({ t: 'string', v });
export const i64 = (v: bigint | number): TmcValue => ({ t: 'int64', v: BigInt(v) });
export const byte = (v: number): TmcValue => ({ t: 'byte', v });
export const date = (ms: number): TmcValue => ({ t: 'date', v: ms });

class Writer {
  private readonly parts: Buffer[] = [];
  u8(v: number) {
    const b = Buffer.alloc(1);
    b.writeUInt8(v);
    this.parts.push(b);
  }
  u16(v: number) {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    this.parts.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.parts.push(b);
  }
  i64(v: bigint) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    this.parts.push(b);
  }
  string(v: string) {
    const s = Buffer.from(v, 'utf8');
    this.i32(s.length);
    this.parts.push(s);
  }
  bytes(v: Buffer) {
    this.i32(v.length);
    this.parts.push(v);
  }
  done() {
    return Buffer.concat(this.parts);
  }
}

export function encodeFrame(frame: TmcFrame): Buffer {
  const w = new Writer();
  w.u8(frame.protocolVersion ?? TMC_PROTOCOL_VERSION);
  w.u8(frame.messageType);
  if (frame.statusCode !== undefined) {
    w.u16(Header.statusCode);
    w.i32(frame.statusCode);
  }
  if (frame.statusPhrase !== undefined) {
    w.u16(Header.statusPhrase);
    w.string(frame.statusPhrase);
  }
  if (frame.flag !== undefined) {
    w.u16(Header.flag);
    w.i32(frame.flag);
  }
  if (frame.token !== undefined) {
    w.u16(Header.token);
    w.string(frame.token);
  }
  for (const [key, value] of Object.entries(frame.content)) {
    w.u16(Header.custom);
    w.string(key);
    switch (value.t) {
      case 'void':
        w.u8(Format.void);
        break;
      case 'string':
        w.u8(Format.string);
        w.string(value.v);
        break;
      case 'byte':
        w.u8(Format.byte);
        w.u8(value.v);
        break;
      case 'int16':
        w.u8(Format.int16);
        w.u16(value.v);
        break;
      case 'int32':
        w.u8(Format.int32);
        w.i32(value.v);
        break;
      case 'int64':
        w.u8(Format.int64);
        w.i64(value.v);
        break;
      case 'date':
        w.u8(Format.date);
        w.i64(BigInt(value.v));
        break;
      case 'bytes':
        w.u8(Format.bytes);
        w.bytes(value.v);
        break;
    }
  }
  w.u16(Header.end);
  return w.done();
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  need(n: number) {
    if (this.pos + n > this.buf.length) throw new RangeError(`frame truncated at byte ${this.pos}`);
  }
  u8() {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }
  u16() {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }
  i32() {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  i64() {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes() {
    const n = this.i32();
    if (n < 0) throw new RangeError('negative length');
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return Buffer.from(v);
  }
  string() {
    return this.bytes().toString('utf8');
  }
}

export function decodeFrame(data: Buffer): Result<TmcFrame> {
  try {
    const r = new Reader(data);
    const frame: TmcFrame = { protocolVersion: r.u8(), messageType: r.u8(), content: {} };
    for (let header = r.u16(); header !== Header.end; header = r.u16()) {
      switch (header) {
        case Header.custom: {
          const key = r.string();
          const format = r.u8();
          let value: TmcValue;
          switch (format) {
            case Format.void:
              value = { t: 'void' };
              break;
            case Format.string:
              value = { t: 'string', v: r.string() };
              break;
            case Format.byte:
              value = { t: 'byte', v: r.u8() };
              break;
            case Format.int16:
              value = { t: 'int16', v: r.u16() };
              break;
            case Format.int32:
              value = { t: 'int32', v: r.i32() };
              break;
            case Format.int64:
              value = { t: 'int64', v: r.i64() };
              break;
            case Format.date:
              value = { t: 'date', v: Number(r.i64()) };
              break;
            case Format.bytes:
              value = { t: 'bytes', v: r.bytes() };
              break;
            default:
              throw new RangeError(`unknown value format ${format}`);
          }
          frame.content[key] = value;
          break;
        }
        case Header.statusCode:
          frame.statusCode = r.i32();
          break;
        case Header.statusPhrase:
          frame.statusPhrase = r.string();
          break;
        case Header.flag:
          frame.flag = r.i32();
          break;
        case Header.token:
          frame.token = r.string();
          break;
        default:
          throw new RangeError(`unknown header type ${header}`);
      }
    }
    if (r.pos !== data.length) throw new RangeError('bytes after end of headers');
    return { ok: true, value: frame };
  } catch (err) {
    return { ok: false, reason: `malformed TMC frame: ${(err as Error).message}` };
  }
}

/** A custom value as text: strings as is, integers in decimal (ids are int64), dates as epoch ms. */
export function textOf(value: TmcValue | undefined): string | undefined {
  if (!value) return undefined;
  switch (value.t) {
    case 'string':
      return value.v;
    case 'byte':
    case 'int16':
    case 'int32':
    case 'date':
      return String(value.v);
    case 'int64':
      return value.v.toString();
    default:
      return undefined;
  }
}
