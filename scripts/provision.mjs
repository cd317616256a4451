#!/usr/bin/env node
// Provisions what the end-to-end tests need, idempotently:
//
//   - Debian packages: chromium (the browser the e2e and diagram tests drive),
//     build-essential, python3, libkrb5-dev, ripgrep (code-server's install builds
//     native modules, and its @vscode/ripgrep wants an `rg`), and kamailio (with
//     kamailio-tls-modules), sip-tester (SIPp) and shellcheck for the export tests on
//     real SIP traffic; tcpdump and tshark for `surv trace`'s tests on real captures;
//     ansible, ansible-lint and openssh-server for the fleet rollout tests.
//   - code-server 4.100.3 (VS Code 1.100.3, the newest release that runs on Node 20)
//     into .cache/code-server, from the npm registry.
//
// Everything already present is skipped, so a second run takes well under a second.
// As root, missing Debian packages are installed with apt-get (update once, then
// install). Not as root, a missing package is an error that says what to install:
// the e2e tests must never be skipped quietly.
//
//   node scripts/provision.mjs          provision (or check) everything
//   node scripts/provision.mjs --check  only check; exit 1 and say what is missing
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const codeServerVersion = '4.100.3';
export const codeServerPrefix = join(root, '.cache', 'code-server');
export const codeServerBin = join(codeServerPrefix, 'node_modules', '.bin', 'code-server');
export const chromiumPath = '/usr/bin/chromium';
const marker = join(codeServerPrefix, 'installed.json');

/** Debian packages and a file that proves each one is there (dpkg is the fallback). */
const debianPackages = [
  { name: 'chromium', file: chromiumPath },
  { name: 'build-essential', file: undefined },
  { name: 'python3', file: '/usr/bin/python3' },
  { name: 'libkrb5-dev', file: undefined },
  { name: 'ripgrep', file: '/usr/bin/rg' },
  { name: 'kamailio', file: '/usr/sbin/kamailio' },
  // The tls module (test/kamailio/tls.test.ts runs an edge listening on tls); its path is per architecture.
  { name: 'kamailio-tls-modules', file: undefined },
  { name: 'sip-tester', file: '/usr/bin/sipp' },
  // tls.test.ts makes the edge's certificate and shakes hands with it.
  { name: 'openssl', file: '/usr/bin/openssl' },
  { name: 'shellcheck', file: '/usr/bin/shellcheck' },
  // The OpenWrt bundle's scripts run under busybox sh (ash) with busybox's applets, as on OpenWrt.
  { name: 'busybox', file: '/bin/busybox' },
  // surv trace's live tests capture the real Kamailio's traffic; tshark is the second opinion.
  { name: 'tcpdump', file: '/usr/bin/tcpdump' },
  { name: 'tshark', file: '/usr/bin/tshark' },
  // The fleet tests (test/fleet) roll bundles out with Debian's Ansible over an sshd of their
  // own on loopback; ansible-lint checks the written playbook and role.
  { name: 'ansible', file: '/usr/bin/ansible-playbook' },
  { name: 'ansible-lint', file: '/usr/bin/ansible-lint' },
  { name: 'openssh-server', file: '/usr/sbin/sshd' },
];

// @vscode/ripgrep 1.15.11 (a code-server dependency) downloads ripgrep from GitHub in its
// postinstall unless this file is already in its cache folder under the temp dir.
const ripgrepCache = join(tmpdir(), 'vscode-ripgrep-cache-1.15.11');
const ripgrepTarball = join(ripgrepCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');

const checkOnly = process.argv.includes('--check');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function log(message) {
  process.stdout.write(`provision: ${message}\n`);
}

function fail(message) {
  process.stderr.write(`provision: ${message}\n`);
  process.exit(1);
}

function run(command, args, options = {}) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

function debianPackageInstalled({ name, file }) {
  if (file && existsSync(file)) return true;
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function provisionDebian() {
  const missing = debianPackages.filter((p) => !debianPackageInstalled(p)).map((p) => p.name);
  if (missing.length === 0) {
    log(`Debian packages present (${debianPackages.map((p) => p.name).join(', ')})`);
    return;
  }
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (checkOnly) fail(`missing Debian packages: ${missing.join(', ')}. Install them with: ${command}`);
  if (!isRoot) fail(`missing Debian packages: ${missing.join(', ')}. As root, run: ${command}  (or run this script as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  // The kamailio package enables its service; where systemd runs, it would hold port 5060.
  if (missing.includes('kamailio') && existsSync('/run/systemd/system')) {
    spawnSync('systemctl', ['disable', '--now', 'kamailio'], { stdio: 'inherit' });
  }
  const still = debianPackages.filter((p) => !debianPackageInstalled(p)).map((p) => p.name);
  if (still.length > 0) fail(`still missing after apt-get install: ${still.join(', ')}`);
}

function codeServerInstalled() {
  if (!existsSync(codeServerBin) || !existsSync(marker)) return false;
  try {
    return JSON.parse(readFileSync(marker, 'utf8')).version === codeServerVersion;
  } catch {
    return false;
  }
}

function prepareRipgrepCache() {
  if (existsSync(ripgrepTarball)) return;
  if (!existsSync('/usr/bin/rg')) fail('/usr/bin/rg is missing (Debian package ripgrep)');
  mkdirSync(ripgrepCache, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'surv-rg-'));
  try {
    copyFileSync('/usr/bin/rg', join(staging, 'rg'));
    run('tar', ['-czf', ripgrepTarball, '-C', staging, 'rg']);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function provisionCodeServer() {
  if (codeServerInstalled()) {
    log(`code-server ${codeServerVersion} present in ${codeServerPrefix}`);
    return;
  }
  if (checkOnly) fail(`code-server ${codeServerVersion} is not installed in ${codeServerPrefix}; run: node scripts/provision.mjs`);
  prepareRipgrepCache();
  mkdirSync(codeServerPrefix, { recursive: true });
  // A package.json of its own, so npm installs here and not into the project above.
  const manifest = join(codeServerPrefix, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, `${JSON.stringify({ name: 'surv-code-server-cache', private: true }, null, 2)}\n`);
  const started = Date.now();
  run('npm', ['install', `code-server@${codeServerVersion}`, '--unsafe-perm', '--no-audit', '--no-fund', '--prefix', codeServerPrefix], {
    env: { ...process.env, npm_config_yes: 'true' },
  });
  // A throwaway HOME: code-server writes a default config file on any start.
  const home = mkdtempSync(join(tmpdir(), 'surv-code-server-home-'));
  const version = spawnSync(codeServerBin, ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') },
  });
  rmSync(home, { recursive: true, force: true });
  const line = version.stdout.split('\n').find((l) => l.startsWith(codeServerVersion));
  if (version.status !== 0 || !line) {
    fail(`code-server installed but \`code-server --version\` failed: ${version.stderr}${version.stdout}`);
  }
  if (!existsSync(join(codeServerPrefix, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))) {
    fail('code-server installed without its VS Code modules: its postinstall script did not run (npm install-scripts?)');
  }
  writeFileSync(marker, `${JSON.stringify({ version: codeServerVersion, installedAt: new Date().toISOString() }, null, 2)}\n`);
  log(`code-server ${line} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const started = Date.now();
provisionDebian();
provisionCodeServer();
log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
