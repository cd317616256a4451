// Phones over TCP (issue 12, item 4): a TCP phone sends each request once (no Timer A or
// E), its Contact says `;transport=tcp`, the edge reaches a fixed TCP phone at that URI
// and a registered one through the Contact it registered with, and its in-dialog
// requests come back over TCP (the edge's two Record-Route entries, r2=on).
import { describe, expect, it } from 'vitest';
import { causes, lines, simulateText } from './helpers.js';

const branch = `branch b {
  edge listen udp 10.1.0.1:5060, tcp 10.1.0.1:5060
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  timers { no-answer 2s  ringing 3s }
  phone till1 101 at 10.1.0.10 transport tcp
  phone desk1 102 at 10.1.0.11
  phone tab 103 registered transport tcp
  register { forward cloud with path  keep local copy }
  outbound from lan via cloud { on timeout { redirect 302 to pstn } }
  inbound from pstn { ring till1 then ring tab }
}
`;
const run = (body: string) => simulateText(`${branch}scenario "s" in b {\n${body}\n}\n`);

describe('a phone over tcp', () => {
  it('sends its INVITE once while the edge resends to the UDP upstream, and follows the 302 over its connection', () => {
    const r = run('  cloud silent\n  till1 calls 944000000');
    expect(lines(r.trace, (t) => t.atMs <= 2000 && t.method === 'INVITE' && t.status === undefined)).toEqual([
      '0 till1>edge INVITE', '0 edge>cloud INVITE', '500 edge>cloud INVITE', '1500 edge>cloud INVITE', '2000 till1>edge INVITE', '2000 edge>pstn INVITE',
    ]);
    const invite = r.trace.find((t) => t.from === 'till1' && t.summary === 'INVITE')!;
    expect(invite.text).toMatch(/^Via: SIP\/2\.0\/TCP 10\.1\.0\.10:5060;branch=[^;]+;rport\r$/m);
    expect(invite.text).toContain('Contact: <sip:101@10.1.0.10;transport=tcp>\r\n');
    // tcp in, udp out: two Record-Route entries, so the ACK and the BYE come back to the phone over TCP.
    const up = r.trace.find((t) => t.from === 'edge' && t.to === 'cloud' && t.summary === 'INVITE')!;
    expect(up.text).toContain('Record-Route: <sip:10.1.0.1;r2=on;lr>, <sip:10.1.0.1;transport=tcp;r2=on;lr>\r\n');
  });

  it('a final error reply to it is not resent: no Timer G over TCP', () => {
    const r = run('  cloud answers 486\n  till1 calls 944000000');
    expect(causes(r.trace, (t) => t.to === 'till1')).toEqual([
      '0 edge>till1 100 | tm: auto 100 Trying', '0 edge>till1 486 | 486 from cloud relayed',
    ]);
  });

  it('is rung at sip:101@ADDRESS;transport=tcp, and answers with that Contact', () => {
    const r = run('  till1 answers after 1s\n  pstn calls 944123456');
    const invite = r.trace.find((t) => t.from === 'edge' && t.to === 'till1' && t.summary === 'INVITE')!;
    expect(invite.text.split('\r\n')[0]).toBe('INVITE sip:101@10.1.0.10;transport=tcp SIP/2.0');
    expect(invite.text).toMatch(/^Via: SIP\/2\.0\/TCP 10\.1\.0\.1;branch=/m);
    const ok = r.trace.find((t) => t.from === 'till1' && t.summary === '200')!;
    expect(ok.message.contact?.[0]?.uri).toBe('sip:101@10.1.0.10;transport=tcp');
  });

  it('registered: reached through the Contact it registered with, over tcp', () => {
    const r = run('  tab registers\n  cloud silent from 1s\n  till1 busy\n  pstn calls 944123457 at 2s');
    const reg = r.trace.find((t) => t.from === 'tab' && t.summary === 'REGISTER')!;
    expect(reg.text).toContain('Contact: <sip:103@tab.invalid;transport=tcp>');
    const invite = r.trace.find((t) => t.from === 'edge' && t.to === 'tab' && t.summary === 'INVITE')!;
    expect(invite.text.split('\r\n')[0]).toBe('INVITE sip:103@tab.invalid;transport=tcp SIP/2.0');
    expect(invite.text).toMatch(/^Via: SIP\/2\.0\/TCP /m);
  });
});
