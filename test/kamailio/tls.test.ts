// TLS toward the phones (issue 12, item 4): a design with `edge listen ... tls` and
// `tls { certificate key ca }`, its certificate made here with openssl. Every target's
// kamailio.cfg passes `kamailio -c` (which does not open the files, measured), and the
// debian bundle runs: Kamailio loads the certificate and key, and a TLS client on
// loopback completes a handshake with the edge's certificate; with `ca` the edge asks
// the client for one. TLS replay is not done (docs/replay.md): the actors speak UDP and TCP.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, exportTo, kamailioCheck, removeExports, requireTools, startKamailio } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'surv-tls-'));
afterAll(() => {
  removeExports();
  rmSync(dir, { recursive: true, force: true });
});

function design(withCa: boolean): string {
  const ca = withCa ? `  ca "${dir}/cert.pem"` : '';
  const path = join(dir, withCa ? 'tls-ca.surv' : 'tls.surv');
  writeFileSync(path, `branch tls-shop {
  edge listen udp 127.0.23.1:5060, tls 127.0.23.1:5061
  lan 127.0.23.8/29
  tls { certificate "${dir}/cert.pem"  key "${dir}/key.pem"${ca} }
  gateway pstn { address 127.0.23.3:5060  kind bri  channels 2 }
  upstream cloud { proxy sip:127.0.23.2:5060 }
  phone till1 101 at 127.0.23.10:5061 transport tls
  phone desk1 102 at 127.0.23.11:5060
  outbound from lan via cloud {
    on timeout { redirect 302 to pstn }
  }
  inbound from pstn { ring till1 }
}
`);
  return path;
}

/** A TLS handshake with the edge from loopback; openssl's brief report. */
function handshake(): string {
  const r = spawnSync('openssl', ['s_client', '-connect', '127.0.23.1:5061', '-brief'], { input: '', encoding: 'utf8', timeout: 5000 });
  return `${r.stdout}${r.stderr}`;
}

describe('tls: the edge listens on tls with the certificate of tls { }', () => {
  beforeAll(async () => {
    requireTools();
    await ensureBuilt();
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=tls-shop.surv.test'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl could not make a certificate: ${r.stderr}`);
  }, 120_000);

  for (const target of ['edgeos', 'debian', 'openwrt'] as const) {
    it(`${target}: kamailio -c accepts it, with the tls module and the files as parameters`, () => {
      const out = exportTo(design(true), target);
      const cfg = readFileSync(join(out, 'kamailio.cfg'), 'utf8');
      expect(cfg).toContain('listen=tls:127.0.23.1:5061\n');
      expect(cfg).toContain('enable_tls=yes\n');
      expect(cfg).toContain('loadmodule "tls.so"\n');
      expect(cfg).toContain(`modparam("tls", "certificate", SURV_ROOT "${dir}/cert.pem")\nmodparam("tls", "private_key", SURV_ROOT "${dir}/key.pem")\n`);
      expect(cfg).toContain(`modparam("tls", "ca_list", SURV_ROOT "${dir}/cert.pem")\nmodparam("tls", "verify_certificate", 1)\nmodparam("tls", "require_certificate", 1)\n`);
      // A fixed TLS phone is reached over TLS.
      expect(cfg).toContain('$ru = "sip:101@127.0.23.10:5061;transport=tls";');
      const check = kamailioCheck(join(out, 'kamailio.cfg'));
      expect(check.output.split('\n').filter((l) => /ERROR|CRITICAL/.test(l))).toEqual([]);
      expect(check.status).toBe(0);
    });
  }

  it('debian, running: Kamailio serves the certificate; without ca no client certificate is asked', async () => {
    const kamailio = await startKamailio(exportTo(design(false), 'debian'), { address: '127.0.23.1', port: 5060 });
    try {
      const report = handshake();
      expect(report).toContain('CONNECTION ESTABLISHED');
      expect(report).toMatch(/Peer certificate: CN ?= ?tls-shop\.surv\.test/);
      expect(kamailio.log()).not.toMatch(/peer did not return a certificate/);
    } finally {
      await kamailio.stop();
    }
  });

  it('debian, running, with ca: the edge requires the client\'s certificate', async () => {
    const kamailio = await startKamailio(exportTo(design(true), 'debian'), { address: '127.0.23.1', port: 5060 });
    try {
      handshake();
      await new Promise((done) => setTimeout(done, 200));
      expect(kamailio.log()).toMatch(/peer did not return a certificate/);
    } finally {
      await kamailio.stop();
    }
  });
});
