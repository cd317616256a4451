// SIP over TCP in the replay (io/replay/tcp.ts): the byte stream is cut into messages by
// Content-Length (RFC 3261 §18.3), whatever the segments, with keepalive CRLFs between
// messages skipped and a message without a length refused.
import { describe, expect, it } from 'vitest';
import { maxStreamMessage, StreamFramer } from '../../../io/replay/tcp.js';

const bye = 'BYE sip:101@127.0.23.10;transport=tcp SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.23.1;branch=z9hG4bK1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n';
const withBody = 'INVITE sip:101@127.0.23.10 SIP/2.0\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nl: 12\r\n\r\nv=0\r\no=- 1\r\n';

describe('SIP stream framing', () => {
  it('cuts two messages of one segment apart, the body by its Content-Length (compact form too)', () => {
    const f = new StreamFramer();
    expect(f.push(Buffer.from(withBody + bye))).toEqual([withBody, bye]);
  });

  it('waits for the rest of a message split across segments, at any byte', () => {
    const all = Buffer.from(bye + withBody);
    for (let cut = 1; cut < all.length; cut += 7) {
      const f = new StreamFramer();
      expect([...f.push(all.subarray(0, cut)), ...f.push(all.subarray(cut))]).toEqual([bye, withBody]);
    }
  });

  it('skips keepalive CRLFs between messages', () => {
    const f = new StreamFramer();
    expect(f.push(Buffer.from(`\r\n\r\n${bye}\r\n`))).toEqual([bye]);
    expect(f.push(Buffer.from(bye))).toEqual([bye]);
  });

  it('refuses a message without Content-Length: the next one could not be found', () => {
    const f = new StreamFramer();
    expect(() => f.push(Buffer.from('OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n'))).toThrow('a SIP message over TCP without Content-Length');
  });

  it('refuses a head that never ends, instead of buffering it without bound', () => {
    const f = new StreamFramer();
    const line = Buffer.from(`X-Filler: ${'a'.repeat(1000)}\r\n`);
    expect(() => {
      for (let sent = 0; sent <= maxStreamMessage; sent += line.length) f.push(line);
    }).toThrow('whose head exceeds');
  });

  it('refuses a Content-Length past the bound before waiting for its body', () => {
    const f = new StreamFramer();
    expect(() => f.push(Buffer.from('MESSAGE sip:x SIP/2.0\r\nContent-Length: 99999999999\r\n\r\n'))).toThrow('longer than');
  });

  it('refuses two Content-Length headers that disagree', () => {
    const f = new StreamFramer();
    expect(() => f.push(Buffer.from('MESSAGE sip:x SIP/2.0\r\nContent-Length: 0\r\nl: 5\r\n\r\nhello'))).toThrow('disagree');
  });
});
