// Bad and hostile input to the capture readers: each refused with a located
// CaptureError or read as far as it goes with a notice; nothing blocks on a special
// file, and a huge file that is not a capture is refused on its first bytes.
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureError, recordLimit } from '../../../io/capture/index.js';
import { ipv4, link, pcap, pcapng, PROTO_UDP, sipRequest, udp } from '../../support/capture-writer.js';
import { errorOf, readAll, tempDir, writeTemp } from './helpers.js';

const message = sipRequest('OPTIONS', 'sip:x@127.0.0.1', { callId: 'bad-1', cseq: 1 });
const ip = ipv4('127.0.0.1', '127.0.0.2', PROTO_UDP, udp(5060, 5060, message));
const good = pcap([{ timeNs: 1_765_000_000_000_000_000n, data: ip }, { timeNs: 1_765_000_000_000_000_000n, data: ip }], { link: link.RAW });
const record = 16 + ip.length;

async function refusal(path: string): Promise<CaptureError> {
  const error = await errorOf(readAll(path));
  expect(error).toBeInstanceOf(CaptureError);
  return error as CaptureError;
}

describe('files that are not captures', () => {
  it('refuses an empty file', async () => {
    const path = writeTemp(new Uint8Array(0));
    expect((await refusal(path)).message).toBe(`${path}: not a capture (the file is empty)`);
  });

  it('refuses garbage, naming its first bytes in hex (never echoing them as text)', async () => {
    const path = writeTemp(Buffer.from('<html>\x1b[31m'));
    const error = await refusal(path);
    expect(error.message).toBe(`${path}: not a capture (it starts with 3c 68 74 6d, not a pcap, pcapng or HEP header)`);
    expect(error.offset).toBe(0);
  });

  it('refuses a pcap header cut short', async () => {
    const path = writeTemp(good.subarray(0, 10));
    expect((await refusal(path)).message).toBe(`${path}: the pcap header is cut off (10 of its 24 bytes)`);
  });

  it('refuses a pcapng section header cut short', async () => {
    const path = writeTemp(pcapng([{ interfaces: [], frames: [] }]).subarray(0, 20));
    expect((await refusal(path)).message).toBe(`${path}: the pcapng section header is cut off (20 of its 28 bytes)`);
  });

  it('refuses a link type it does not read, at the header', async () => {
    const path = writeTemp(pcap([], { link: 147 }));
    const error = await refusal(path);
    expect(error.message).toBe(`${path}: link type 147 (USER0) is not one surv reads; it reads Ethernet, Linux cooked v1/v2, raw IP and loopback (pcap header, byte offset 20)`);
    expect(error.offset).toBe(20);
  });

  it('refuses a missing file', async () => {
    const path = join(tempDir(), 'nothing.pcap');
    expect((await refusal(path)).message).toBe(`${path}: no such file`);
  });
});

describe('damaged captures', () => {
  it('reads up to a record cut off at the end, then says where the file ends', async () => {
    const path = writeTemp(good.subarray(0, good.length - 5));
    expect(await readAll(path)).toEqual([
      expect.objectContaining({ kind: 'sip', frame: 1 }),
      { kind: 'notice', code: 'truncated-packet', message: `capture ends inside frame 2 (byte offset ${24 + record}); the rest is cut off`, frame: 2 },
    ]);
    const mid = writeTemp(good.subarray(0, 24 + record + 7));
    expect((await readAll(mid)).at(-1)).toEqual({ kind: 'notice', code: 'truncated-packet', message: `capture ends inside frame 2 (byte offset ${24 + record}); the rest is cut off`, frame: 2 });
  });

  it('refuses a record longer than the snap length allows, with its frame and offset', async () => {
    const broken = Buffer.from(good);
    broken.writeUInt32LE(1, 16); // snap length 1: limit 65535 + 64 KiB
    broken.writeUInt32LE(131_072, 24 + record + 8);
    const path = writeTemp(broken);
    const error = await refusal(path);
    expect(error.message).toBe(`${path}: frame 2 at byte offset ${24 + record} claims 131072 bytes, more than any packet (snap length 1); the file is damaged here`);
  });

  it('refuses a record with an absurd length, with its frame and offset', async () => {
    const broken = Buffer.from(good);
    broken.writeUInt32LE(0x7fffffff, 24 + record + 8);
    const path = writeTemp(broken);
    const error = await refusal(path);
    expect(error.message).toBe(`${path}: frame 2 at byte offset ${24 + record} claims 2147483647 bytes, more than any packet (snap length 262144); the file is damaged here`);
    expect([error.offset, error.frame]).toEqual([24 + record, 2]);
    expect([recordLimit(262_144), recordLimit(65_535), recordLimit(1500)]).toEqual([262_144, 131_071, 131_071]);
  });

  it('refuses a pcapng block whose length is not a multiple of 4', async () => {
    const file = Buffer.from(pcapng([{ interfaces: [{ link: link.RAW }], frames: [{ iface: 0, timeNs: 1n, data: ip }] }]));
    const epbAt = 28 + 20;
    file.writeUInt32LE(123, epbAt + 4);
    const path = writeTemp(file);
    expect((await refusal(path)).message).toBe(`${path}: block length 123 is not a multiple of 4 of at least 12 (block at byte offset ${epbAt}); the file is damaged here`);
  });

  it('refuses a pcapng packet on an interface the section never described', async () => {
    const file = Buffer.from(pcapng([{ interfaces: [{ link: link.RAW }], frames: [{ iface: 0, timeNs: 1n, data: ip }] }]));
    file.writeUInt32LE(3, 28 + 20 + 8);
    const path = writeTemp(file);
    expect((await refusal(path)).message).toBe(`${path}: frame 1 names interface 3, which the section never described (block at byte offset 48); the file is damaged here`);
  });
});

describe('special files', () => {
  it('refuses a FIFO without blocking on it', async () => {
    const fifo = join(tempDir(), 'pipe.pcap');
    execFileSync('mkfifo', [fifo]);
    expect((await refusal(fifo)).message).toBe(`${fifo}: not a regular file (a FIFO); surv reads capture files`);
  });

  it('refuses a folder', async () => {
    const dir = join(tempDir(), 'folder.pcap');
    mkdirSync(dir);
    expect((await refusal(dir)).message).toBe(`${dir}: not a regular file (a folder); surv reads capture files`);
  });

  it('refuses /dev/zero without reading it', async () => {
    expect((await refusal('/dev/zero')).message).toBe('/dev/zero: not a regular file (a character device); surv reads capture files');
  });

  it('turns a read error into a located CaptureError (/proc/self/mem: a regular file that fails with EIO at offset 0)', async () => {
    expect((await refusal('/proc/self/mem')).message).toBe('/proc/self/mem: cannot be read at byte offset 0 (EIO)');
  });

  it('answers a 2 GiB sparse file of zeros on its first bytes', async () => {
    const path = join(tempDir(), 'zeros.pcap');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 2 * 1024 * 1024 * 1024);
    closeSync(fd);
    // What the process read through system calls (Linux /proc/self/io `rchar`): one chunk, not 2 GiB.
    const readSoFar = () => Number(/^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
    const before = readSoFar();
    expect((await refusal(path)).message).toBe(`${path}: not a capture (it starts with 00 00 00 00, not a pcap, pcapng or HEP header)`);
    expect(readSoFar() - before).toBeLessThan(4 * 1024 * 1024);
  });
});
