// The live HEP socket (io/capture/hep-listen.ts) with real UDP datagrams on 127.0.28.1:
// decoded items in arrival order, frames counted from 1, a bind failure named, and a
// flood beyond the queue dropped, counted once per burst, and never held in memory.
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureItem } from '../../../engines/trace/capture.js';
import { HepListenError, listenHep, type HepListener } from '../../../io/capture/hep-listen.js';
import { encodeHep2, encodeHep3, type HepMessage } from '../../support/hep-encode.js';

const HOST = '127.0.28.1';

const message = (n: number): HepMessage => ({
  src: '127.0.28.2', srcPort: 5070, dst: '127.0.28.1', dstPort: 5060, seconds: 1_765_130_000, micros: n,
  payload: `OPTIONS sip:127.0.28.1 SIP/2.0\r\nCall-ID: flood-${n}\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`,
});

const open: { listener?: HepListener; sender?: Socket } = {};
afterEach(async () => {
  await open.listener?.close();
  open.sender?.close();
  open.listener = undefined;
  open.sender = undefined;
});

async function setup(options: Parameters<typeof listenHep>[1] = {}) {
  const listener = await listenHep({ address: HOST, port: 0 }, options);
  const sender = createSocket('udp4');
  await new Promise<void>((resolve) => sender.bind({ address: '127.0.28.2', port: 0 }, resolve));
  open.listener = listener;
  open.sender = sender;
  const port = listener.address().port;
  const send = (bytes: Uint8Array) => new Promise<void>((resolve, reject) => sender.send(bytes, port, HOST, (e) => (e ? reject(e) : resolve())));
  return { listener, send };
}

/** Waits (polling, bounded) until the listener has received `n` datagrams. */
async function received(listener: HepListener, n: number): Promise<void> {
  for (let i = 0; i < 500 && listener.stats().received < n; i++) await new Promise((r) => setTimeout(r, 10));
  expect(listener.stats().received).toBe(n);
}

async function take(iterator: AsyncIterator<CaptureItem>, n: number): Promise<CaptureItem[]> {
  const out: CaptureItem[] = [];
  for (let i = 0; i < n; i++) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

const summary = (item: CaptureItem) => (item.kind === 'sip' ? `${item.frame} ${item.transport} ${item.src.address}:${item.src.port}>${item.dst.address}:${item.dst.port} @${item.timeUs} ${item.text.split('\r\n')[1]}` : `${item.frame} ${item.code}: ${item.message}`);

describe('listenHep', () => {
  it('binds port 0 on 127.0.28.1 and yields each datagram decoded, in order, frames from 1', async () => {
    const { listener, send } = await setup();
    expect(listener.address().address).toBe(HOST);
    expect(listener.address().port).toBeGreaterThan(0);
    await send(encodeHep3(message(1)));
    await send(Uint8Array.of(0x48, 0x45, 0x50, 0x33, 0x00, 0x02));
    await send(encodeHep2({ ...message(3), proto: 6 }));
    await send(new TextEncoder().encode('INVITE sip:x SIP/2.0\r\n\r\n'));
    await received(listener, 4);
    await listener.close();
    const items: string[] = [];
    for await (const item of listener.items) items.push(summary(item));
    expect(items).toEqual([
      '1 udp 127.0.28.2:5070>127.0.28.1:5060 @1765130000000001 Call-ID: flood-1',
      '2 hep-malformed: frame 2: HEP packet HEP3 total length 2 is below its own 6-byte header',
      '3 tcp 127.0.28.2:5070>127.0.28.1:5060 @1765130000000003 Call-ID: flood-3',
      '4 hep-malformed: frame 4: HEP packet starts with neither "HEP3" nor a HEP version 1 or 2 byte (first byte 0x49)',
    ]);
  });

  it('names the address it cannot bind', async () => {
    const { listener } = await setup();
    const port = listener.address().port;
    const error = await listenHep({ address: HOST, port }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HepListenError);
    expect((error as Error).message).toBe(`cannot listen for HEP on udp:${HOST}:${port}: EADDRINUSE`);
    const notHere = await listenHep({ address: '192.0.2.1', port: 9060 }).then(() => undefined, (e: unknown) => e);
    expect((notHere as Error).message).toBe('cannot listen for HEP on udp:192.0.2.1:9060: EADDRNOTAVAIL');
  });

  it('drops a flood beyond the queue, counts it once per burst, and keeps going', async () => {
    const { listener, send } = await setup({ maxQueue: 100 });
    // Nobody reads while 1000 datagrams arrive: 100 are held, 900 dropped. Sent in
    // batches the socket takes in, so the kernel's own buffer never overflows here.
    for (let n = 1; n <= 1000; n++) {
      await send(encodeHep3(message(n)));
      if (n % 50 === 0) await received(listener, n);
    }
    expect(listener.stats()).toEqual({ received: 1000, dropped: 900, systemDropped: 0 });
    const iterator = listener.items[Symbol.asyncIterator]();
    const first = await take(iterator, 100);
    expect(first.map((i) => i.frame)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(first.every((i) => i.kind === 'sip')).toBe(true);
    // The reader caught up: the next datagram brings the burst's notice first.
    await send(encodeHep3(message(1001)));
    const after = await take(iterator, 2);
    expect(after.map(summary)).toEqual([
      '1000 hep-dropped: frames 101-1000: 900 HEP datagrams dropped: the reader fell behind (queue of 100 items / 33554432 bytes full)',
      '1001 udp 127.0.28.2:5070>127.0.28.1:5060 @1765130000001001 Call-ID: flood-1001',
    ]);
    // A second burst, still pending at close, is reported at the end.
    for (let n = 1002; n <= 1102; n++) {
      await send(encodeHep3(message(n)));
      if (n % 50 === 0) await received(listener, n);
    }
    await received(listener, 1102);
    await listener.close();
    const rest = await take(iterator, 200);
    expect(rest.length).toBe(101);
    expect(rest.slice(0, 100).map((i) => i.frame)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1002));
    expect(summary(rest[100]!)).toBe('1102 hep-dropped: frame 1102: 1 HEP datagram dropped: the reader fell behind (queue of 100 items / 33554432 bytes full)');
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('bounds the queue by bytes too', async () => {
    const one = message(1);
    const { listener, send } = await setup({ maxQueueBytes: 3 * (one.payload as string).length });
    for (let n = 1; n <= 5; n++) await send(encodeHep3(message(n)));
    await received(listener, 5);
    expect(listener.stats().dropped).toBe(2);
    await listener.close();
    const items: string[] = [];
    for await (const item of listener.items) items.push(item.kind === 'sip' ? String(item.frame) : `${item.frame} ${item.code}`);
    expect(items).toEqual(['1', '2', '3', '5 hep-dropped']);
  });

  it('closes the socket when the reader stops', async () => {
    const { listener, send } = await setup();
    const port = listener.address().port;
    await send(encodeHep3(message(1)));
    for await (const item of listener.items) {
      expect(item.frame).toBe(1);
      break;
    }
    // The port is free again: the break closed the socket.
    const again = await listenHep({ address: HOST, port });
    expect(again.address()).toEqual({ address: HOST, port });
    await again.close();
  });
});

describe('listenHep when the system drops', () => {
  it('counts what the kernel dropped while surv was busy, and says so at the end', async () => {
    const { listener } = await setup({ maxQueue: 100_000 });
    const port = listener.address().port;
    // A child process floods the socket while this thread is blocked in spawnSync, so
    // nothing reads it: the kernel's receive buffer fills and the rest is dropped.
    const datagram = Buffer.from(encodeHep3(message(1))).toString('base64');
    const sender = `const s=require('node:dgram').createSocket('udp4');const b=Buffer.from('${datagram}','base64');let ok=0,done=0;const n=30000;
      s.bind({address:'127.0.28.2',port:0},()=>{for(let i=0;i<n;i++)s.send(b,${port},'${HOST}',(e)=>{if(!e)ok++;if(++done===n){console.log(ok);s.close();}});});`;
    const run = spawnSync(process.execPath, ['-e', sender], { encoding: 'utf8' });
    const sent = Number(run.stdout.trim());
    expect(sent).toBeGreaterThan(0);
    for (let i = 0; i < 200 && listener.stats().received + listener.stats().systemDropped < sent; i++) await new Promise((r) => setTimeout(r, 10));
    const { received: got, systemDropped } = listener.stats();
    expect(systemDropped).toBeGreaterThan(0);
    expect(got + systemDropped).toBe(sent);
    await listener.close();
    const notices: string[] = [];
    let sip = 0;
    for await (const item of listener.items) {
      if (item.kind === 'sip') sip++;
      else notices.push(`${item.code}: ${item.message}`);
      if (sip === 0) expect(item.kind).toBe('notice');
    }
    expect(sip).toBe(got);
    // Seen on the first datagram read after the flood, and reported before it.
    expect(notices).toEqual([`hep-system-dropped: by frame 1: ${systemDropped} HEP datagrams dropped by the system before surv read them (the socket's receive buffer was full; see net.core.rmem_max)`]);
  });
});

describe('listenHep closed right after a flood', () => {
  it('reports the system\'s drops at the end, read before the socket goes', async () => {
    const { listener } = await setup({ maxQueue: 100_000 });
    const port = listener.address().port;
    const datagram = Buffer.from(encodeHep3(message(1))).toString('base64');
    const sender = `const s=require('node:dgram').createSocket('udp4');const b=Buffer.from('${datagram}','base64');let done=0;const n=30000;
      s.bind({address:'127.0.28.2',port:0},()=>{for(let i=0;i<n;i++)s.send(b,${port},'${HOST}',()=>{if(++done===n)s.close();});});`;
    expect(spawnSync(process.execPath, ['-e', sender]).status).toBe(0);
    // Closed before this thread reads a single datagram: what the socket held is let go.
    const closing = listener.close();
    await closing;
    const { received: got, systemDropped } = listener.stats();
    expect(got).toBe(0);
    expect(systemDropped).toBeGreaterThan(0);
    const items: string[] = [];
    for await (const item of listener.items) items.push(item.kind === 'sip' ? 'sip' : `${item.frame} ${item.code}: ${item.message}`);
    expect(items).toEqual([`0 hep-system-dropped: before frame 1: ${systemDropped} HEP datagrams dropped by the system before surv read them (the socket's receive buffer was full; see net.core.rmem_max)`]);
  });
});
