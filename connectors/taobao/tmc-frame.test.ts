import { describe, expect, it } from 'vitest';
import { byte, date, decodeFrame, encodeFrame, i64, MessageKind, MessageType, str } from './tmc-frame.js';

describe('TMC binary frame', () => {
  it('encodes a confirm exactly as the TMC clients write it', () => {
    const bytes = encodeFrame({ messageType: MessageType.SEND, token: 'tk', content: { __kind: byte(MessageKind.Confirm), id: i64(5n) } });
    expect(bytes.toString('hex')).toBe(
      [
        '02',
        '02', // protocol version 2, SEND
        '0500',
        '02000000',
        '746b', // token header: "tk"
        '0100',
        '06000000',
        '5f5f6b696e64',
        '02',
        '02', // custom "__kind": byte 2
        '0100',
        '02000000',
        '6964',
        '05',
        '0500000000000000', // custom "id": int64 5
        '0000', // end of headers
      ].join(''),
    );
  });

  it('round-trips every header and value type, including ids beyond 2^53 and UTF-8', () => {
    const frame = {
      protocolVersion: 2,
      messageType: MessageType.SEND,
      statusCode: 401,
      statusPhrase: 'nope',
      flag: 1,
      token: 't',
      content: {
        id: i64(8_000_000_000_000_000_123n),
        topic: str('taobao_trade_TradeCreate'),
        content: str('{"tid":1,"x":"店"}'),
        pub_time: date(1_762_790_405_000),
        k: byte(3),
      },
    };
    expect(decodeFrame(encodeFrame(frame))).toEqual({ ok: true, value: frame });
  });

  it('reports truncated or trailing bytes instead of throwing', () => {
    const bytes = encodeFrame({ messageType: MessageType.CONNECT, content: { app_key: str('123') } });
    expect(decodeFrame(bytes.subarray(0, bytes.length - 3))).toMatchObject({ ok: false });
    expect(decodeFrame(Buffer.concat([bytes, Buffer.from([0])]))).toEqual({ ok: false, reason: 'malformed TMC frame: bytes after end of headers' });
    expect(decodeFrame(Buffer.from([2, 0, 9, 0]))).toEqual({ ok: false, reason: 'malformed TMC frame: unknown header type 9' });
  });
});
