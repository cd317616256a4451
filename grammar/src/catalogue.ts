// The one catalogue of .surv keywords: the reserved words, which statements each
// block takes, what may follow each keyword where it stands, and what each keyword
// means (with the Kamailio parameter or RFC behind it). The lexer's keyword map is
// built from it; completion, hover and the editor's block tracking read it; tests
// hold the parser's messages, docs/language.md and the TextMate grammar to it.
// Data only: nothing here reads text or knows about LSP.

/** Every reserved word: the lexer turns a name spelled like one into its keyword token. */
export const keywordWords = [
  'branch', 'profile', 'uses', 'use', 'edge', 'listen', 'lan', 'gateway', 'address', 'kind',
  'channels', 'transport', 'upstream', 'proxy', 'probe', 'options', 'every', 'timeout', 'down',
  'up', 'after', 'holdoff', 'timers', 'no-answer', 'ringing', 't1', 't2', 'budget', 'phone', 'at',
  'registered', 'group', 'parallel', 'serial', 'ring', 'register', 'forward', 'with', 'path',
  'keep', 'local', 'copy', 'outbound', 'from', 'via', 'on', 'announce', 'redirect', 'relay', 'to',
  'pass', 'all', 'emergency', 'direct', 'rewrite', 'match', 'strip', 'prefix', 'inbound', 'then',
  'did', 'for', 'scenario', 'in', 'silent', 'slow', 'answers', 'trying', 'ignores', 'invite',
  'flapping', 'busy', 'full', 'unregistered', 'calls', 'registers', 'expect', 'gets',
  'within', 'contact', 'marked', 'until', 'network', 'loss', 'seed',
  'stranger', 'sends', 'route', 'to-tag', 'receives', 'nothing',
  'limits', 'per-source', 'per', 'outside', 'max-expires', 'max-contacts',
  'udp', 'tcp', 'tls', 'bri', 'pri', 'fxo', 'trunk',
  'local-calls', 'survival', 'always', 'off',
  'caller-id', 'private',
  'certificate', 'key', 'ca',
  'router', 'platform', 'edgeos', 'debian', 'openwrt', 'manage', 'user',
] as const;
export type KeywordWord = (typeof keywordWords)[number];

/** Keywords that are values: a transport (its default port in `detail`). */
export const transportWords: readonly { readonly word: KeywordWord; readonly detail: string }[] = [
  { word: 'udp', detail: 'default · port 5060' },
  { word: 'tcp', detail: 'port 5060' },
  { word: 'tls', detail: 'port 5061' },
];

/** Keywords that are values: the kind of PSTN line behind a gateway. */
export const gatewayKindWords = ['bri', 'pri', 'fxo', 'trunk'] as const satisfies readonly KeywordWord[];

/** The blocks of the language; `top` is the file itself. */
export type BlockKind =
  | 'top' | 'container' | 'gateway' | 'upstream' | 'timers' | 'register' | 'limits' | 'tls' | 'outbound' | 'on-timeout' | 'rewrite'
  | 'inbound' | 'scenario' | 'router';

export interface BlockSpec {
  /** The keywords whose statement opens this block with `{` (`on` for `on timeout {`). */
  readonly openers: readonly KeywordWord[];
  /** The keywords, or fixed keyword phrases, a statement of the block starts with, in the order of docs/language.md. */
  readonly statements: readonly string[];
  /** Each statement may be given once (a second is reported), so an editor need not offer it again. */
  readonly onceEach: boolean;
  /** In an `onceEach` block, the statements that may still be given again (`caller-id` lines, `rewrite` rules). */
  readonly repeatable?: readonly string[];
}

export const blocks: Readonly<Record<BlockKind, BlockSpec>> = {
  top: { openers: [], statements: ['branch', 'profile', 'scenario', 'use'], onceEach: false },
  container: {
    openers: ['branch', 'profile'],
    statements: ['edge', 'lan', 'gateway', 'upstream', 'timers', 'phone', 'group', 'register', 'limits', 'tls', 'router', 'outbound', 'inbound'],
    onceEach: false,
  },
  gateway: { openers: ['gateway'], statements: ['address', 'transport', 'kind', 'channels', 'probe', 'rewrite', 'caller-id'], onceEach: true, repeatable: ['rewrite', 'caller-id'] },
  upstream: { openers: ['upstream'], statements: ['proxy', 'transport', 'probe'], onceEach: true },
  timers: { openers: ['timers'], statements: ['no-answer', 'ringing', 'trying', 't1', 't2', 'budget'], onceEach: true },
  register: { openers: ['register'], statements: ['forward', 'keep local copy'], onceEach: true },
  limits: { openers: ['limits'], statements: ['per-source', 'outside', 'max-expires', 'max-contacts'], onceEach: true },
  tls: { openers: ['tls'], statements: ['certificate', 'key', 'ca'], onceEach: true },
  router: { openers: ['router'], statements: ['platform', 'manage', 'user'], onceEach: true },
  outbound: { openers: ['outbound'], statements: ['on timeout', 'pass', 'emergency', 'rewrite', 'local-calls'], onceEach: false },
  'on-timeout': { openers: ['on'], statements: ['announce', 'redirect', 'relay to'], onceEach: false },
  rewrite: { openers: ['rewrite'], statements: ['match', 'strip', 'prefix'], onceEach: true },
  inbound: { openers: ['inbound'], statements: ['ring', 'did', 'rewrite'], onceEach: false },
  scenario: { openers: ['scenario'], statements: ['expect', 'network loss', 'seed', 'stranger'], onceEach: false },
};

/** The fields of `probe options ...`, in their written order. */
export const probeFields: readonly string[] = ['every', 'timeout', 'down after', 'up after', 'holdoff'];

/** The two ways a group rings. */
export const groupModes: readonly { readonly word: KeywordWord; readonly detail: string }[] = [
  { word: 'parallel', detail: 'ring every member at once' },
  { word: 'serial', detail: 'ring members one after another' },
];

/** Keywords that are values: the router platforms a bundle is made for (`surv export --target`). */
export const platformWords: readonly { readonly word: KeywordWord; readonly detail: string }[] = [
  { word: 'edgeos', detail: 'Ubiquiti EdgeRouter' },
  { word: 'debian', detail: 'Debian, systemd' },
  { word: 'openwrt', detail: 'OpenWrt, procd' },
];

/** When a call from a phone of the branch to a number of the branch stays in the branch (`local-calls`). */
export const localCallModes: readonly { readonly word: KeywordWord; readonly detail: string }[] = [
  { word: 'survival', detail: 'default · only once the upstreams failed' },
  { word: 'always', detail: 'never through the upstream' },
  { word: 'off', detail: 'upstream and gateway, as any number' },
];

/** The kinds of actor a scenario line starts with. */
export type ActorKind = 'upstream' | 'gateway' | 'phone';

export interface ActorWord {
  /** The keyword, or fixed phrase, after the actor's name. */
  readonly label: string;
  /** A state the actor is in, or an event it causes. */
  readonly role: 'state' | 'event';
  /** The actors it applies to. */
  readonly kinds: readonly ActorKind[];
  readonly detail: string;
}

/** What may follow an actor's name in a scenario (docs/language.md, scenario). */
export const actorWords: readonly ActorWord[] = [
  { label: 'up', role: 'state', kinds: ['upstream', 'gateway', 'phone'], detail: 'works normally (default)' },
  { label: 'silent', role: 'state', kinds: ['upstream', 'gateway', 'phone'], detail: 'sends nothing at all' },
  { label: 'slow', role: 'state', kinds: ['upstream', 'gateway'], detail: 'every reply delayed' },
  { label: 'answers', role: 'state', kinds: ['upstream', 'gateway', 'phone'], detail: 'answers [CODE] [after D]' },
  { label: 'trying', role: 'state', kinds: ['upstream'], detail: '100 Trying, then nothing' },
  { label: 'ignores invite', role: 'state', kinds: ['upstream'], detail: 'answers OPTIONS only' },
  { label: 'flapping', role: 'state', kinds: ['upstream'], detail: 'flapping down D up D' },
  { label: 'busy', role: 'state', kinds: ['gateway', 'phone'], detail: '486 Busy Here' },
  { label: 'full', role: 'state', kinds: ['gateway'], detail: 'every channel in use' },
  { label: 'down', role: 'state', kinds: ['upstream', 'gateway'], detail: 'unreachable' },
  { label: 'no-answer', role: 'state', kinds: ['phone'], detail: 'rings forever' },
  { label: 'unregistered', role: 'state', kinds: ['phone'], detail: 'no registration' },
  { label: 'ignores redirect', role: 'state', kinds: ['phone'], detail: 'does not follow a 3xx' },
  { label: 'calls', role: 'event', kinds: ['phone', 'gateway'], detail: 'places a call' },
  { label: 'registers', role: 'event', kinds: ['phone'], detail: 'sends a REGISTER' },
  { label: 'sends', role: 'event', kinds: ['upstream', 'gateway'], detail: 'sends one request to the edge (trust model)' },
];

/** Places where one keyword means something else than its main meaning. */
export type KeywordContext =
  | 'on-timeout' | 'scenario-state' | 'flapping' | 'marked' | 'expect' | 'scenario-time' | 'inbound'
  | 'outbound' | 'group' | 'probe';

/** The names a value may refer to. */
export type NameKind = 'gateway' | 'upstream' | 'phone' | 'group';

/** A duration's slot: the setting whose default and usual values apply. */
export type DurationSlot =
  | 'no-answer' | 'ringing' | 'trying' | 't1' | 't2' | 'budget' | 'every' | 'timeout' | 'holdoff' | 'ring' | 'for'
  | 'time' | 'per' | 'max-expires';

/** A value the user writes and no list can offer. */
export type LiteralKind =
  | 'declared-name' | 'number' | 'digits' | 'address' | 'network' | 'uri' | 'string' | 'percent' | 'block' | 'members' | 'name';

/** One thing that may come next. */
export type Next =
  | { readonly kind: 'names'; readonly of: readonly NameKind[] }
  | {
    readonly kind: 'keyword'; readonly phrase: string; readonly context?: KeywordContext;
    /** Said instead of the keyword's syntax line. */
    readonly detail?: string;
    /** Not after an actor of these kinds (a scenario line). */
    readonly unlessActor?: readonly ActorKind[];
  }
  | { readonly kind: 'keywords'; readonly phrases: readonly string[] }
  | { readonly kind: 'duration'; readonly slot: DurationSlot }
  /** A reply code; `withReason`: a quoted reason phrase follows it. */
  | { readonly kind: 'code'; readonly suggest: readonly number[] | 'any'; readonly preselect?: number; readonly withReason?: boolean }
  /** `pass all` or a list of codes and classes. */
  | { readonly kind: 'pass-list' }
  | { readonly kind: 'transport' }
  | { readonly kind: 'gateway-kind' }
  | { readonly kind: 'profile' }
  | { readonly kind: 'file' }
  | { readonly kind: 'branch' }
  | { readonly kind: 'literal'; readonly literal: LiteralKind };

/** Where a keyword stands; every field given must hold. */
export interface When {
  /** Inside a scenario block, or outside one. */
  readonly scenario?: boolean;
  readonly block?: BlockKind;
  /** The token just before the keyword: one of these keywords, or `,` / `]`. */
  readonly prev?: readonly (KeywordWord | ',' | ']')[];
  /** The keyword two tokens before it. */
  readonly prev2?: KeywordWord;
  /** Not this keyword two tokens before it. */
  readonly notPrev2?: KeywordWord;
}

export interface Follow {
  readonly when?: When;
  /** What may come next; empty when it is a value no list can offer. */
  readonly next: readonly Next[];
}

const names = (...of: NameKind[]): Next => ({ kind: 'names', of });
const keyword = (phrase: string, context?: KeywordContext): Next => (context ? { kind: 'keyword', phrase, context } : { kind: 'keyword', phrase });
const duration = (slot: DurationSlot): Next => ({ kind: 'duration', slot });
const literal = (kind: LiteralKind): Next => ({ kind: 'literal', literal: kind });
const always = (...next: Next[]): readonly Follow[] => [{ next }];
const inScenario = { scenario: true } as const;
const outsideScenario = { scenario: false } as const;

/**
 * What may follow each keyword, by where it stands: the first `Follow` whose `when`
 * holds applies. A keyword with no entry, or none that holds, ends what it starts:
 * a new statement (or the rest of a scenario line) may follow.
 */
export const follows: Partial<Readonly<Record<KeywordWord, readonly Follow[]>>> = {
  uses: always({ kind: 'profile' }),
  use: always({ kind: 'file' }),
  in: [{ when: { block: 'top' }, next: [{ kind: 'branch' }] }],
  via: always(names('upstream')),
  forward: always(names('upstream')),
  transport: always({ kind: 'transport' }),
  listen: always({ kind: 'transport' }),
  kind: always({ kind: 'gateway-kind' }),
  announce: always({ kind: 'code', suggest: [180, 181, 182, 183], withReason: true }),
  redirect: [{ when: outsideScenario, next: [{ kind: 'code', suggest: [302, 301, 380], preselect: 302 }] }],
  pass: always({ kind: 'pass-list' }),
  to: [
    { when: { prev: ['relay', 'direct'] }, next: [names('gateway')] },
    { when: { prev2: 'redirect' }, next: [names('gateway')] },
    { when: { prev2: 'did' }, next: [names('phone', 'group')] },
    { next: [] },
  ],
  relay: always(keyword('to')),
  direct: always(keyword('to')),
  then: always(keyword('ring', 'inbound')),
  ring: [{ when: { prev: [']'] }, next: [duration('ring')] }, { next: [names('phone', 'group')] }],
  for: [{ when: { prev2: 'caller-id' }, next: [literal('digits')] }, { next: [duration('for')] }],
  'caller-id': always(literal('digits')),
  every: always(duration('every')),
  holdoff: always(duration('holdoff')),
  'no-answer': [{ when: outsideScenario, next: [duration('no-answer')] }],
  ringing: [{ when: outsideScenario, next: [duration('ringing')] }],
  trying: [{ when: outsideScenario, next: [duration('trying')] }],
  t1: [{ when: outsideScenario, next: [duration('t1')] }],
  t2: [{ when: outsideScenario, next: [duration('t2')] }],
  budget: [{ when: outsideScenario, next: [duration('budget')] }],
  timeout: [{ when: { prev: ['on'] }, next: [literal('block')] }, { next: [duration('timeout')] }],
  probe: always(keyword('options')),
  options: always({ kind: 'keywords', phrases: probeFields }),
  down: [
    { when: { block: 'upstream' }, next: [keyword('after')] },
    { when: { prev: ['marked'] }, next: [keyword('at', 'scenario-time')] },
    { when: { prev: ['flapping'] }, next: [duration('time')] },
  ],
  up: [
    { when: { block: 'upstream' }, next: [keyword('after')] },
    { when: { prev2: 'down' }, next: [duration('time')] },
  ],
  after: [{ when: inScenario, next: [duration('time')] }, { next: [literal('number')] }],
  with: always(keyword('path')),
  per: always(duration('per')),
  'max-expires': always(duration('max-expires')),
  'per-source': always(literal('number')),
  outside: always(literal('number')),
  'max-contacts': always(literal('number')),
  keep: always(keyword('local copy')),
  local: always(keyword('copy')),
  outbound: always(keyword('from', 'outbound')),
  inbound: always(keyword('from', 'inbound')),
  from: [
    { when: { prev: ['outbound'] }, next: [keyword('lan', 'outbound')] },
    { when: { prev: ['inbound'] }, next: [names('gateway')] },
    { when: inScenario, next: [duration('time')] },
    { next: [] },
  ],
  lan: [{ when: { prev: ['from'] }, next: [keyword('via')] }, { next: [literal('network')] }],
  edge: always(keyword('listen')),
  on: always(keyword('timeout', 'on-timeout')),
  ignores: always(
    { kind: 'keyword', phrase: 'invite', unlessActor: ['phone'] },
    { kind: 'keyword', phrase: 'redirect', context: 'scenario-state', detail: 'does not follow a 3xx', unlessActor: ['upstream', 'gateway'] },
  ),
  flapping: always(keyword('down', 'flapping')),
  slow: [{ when: inScenario, next: [duration('time')] }, { next: [] }],
  at: [{ when: inScenario, next: [duration('time')] }, { next: [literal('address')] }],
  within: [{ when: inScenario, next: [duration('time')] }, { next: [] }],
  until: [{ when: inScenario, next: [duration('time')] }, { next: [] }],
  // `expect X answers` may only take `at`; a state `answers` takes a code and a delay.
  answers: [{
    when: { scenario: true, notPrev2: 'expect' },
    next: [{ kind: 'code', suggest: [200, 180, 183, 404, 480, 486, 500, 503, 603] }, keyword('after', 'scenario-state')],
  }],
  // `edge listen udp ADDRESS`: an address comes next.
  udp: [{ when: { prev: ['listen', ','] }, next: [literal('address')] }],
  tcp: [{ when: { prev: ['listen', ','] }, next: [literal('address')] }],
  // `tls {` opens the TLS settings of a branch.
  tls: [{ when: { prev: ['listen', ','] }, next: [literal('address')] }, { when: { block: 'container' }, next: [literal('block')] }],
  certificate: always(literal('string')),
  key: always(literal('string')),
  ca: always(literal('string')),
  router: always(literal('block')),
  platform: always({ kind: 'keywords', phrases: platformWords.map((p) => p.word) }),
  manage: always(literal('address')),
  user: always(literal('name')),
  gets: always({ kind: 'code', suggest: 'any' }),
  expect: always(names('phone', 'gateway', 'upstream')),
  marked: always(keyword('down', 'marked')),
  calls: always(names('phone')),
  network: always(keyword('loss')),
  branch: always(literal('declared-name')),
  profile: always(literal('declared-name')),
  gateway: always(literal('declared-name')),
  upstream: always(literal('declared-name')),
  phone: always(literal('declared-name')),
  group: always(literal('declared-name')),
  address: always(literal('address')),
  channels: always(literal('number')),
  proxy: always(literal('uri')),
  match: always(literal('digits')),
  strip: always(literal('number')),
  prefix: always(literal('digits')),
  did: always(literal('number')),
  emergency: always(literal('number')),
  loss: always(literal('percent')),
  seed: always(literal('number')),
  contact: always(literal('uri')),
  scenario: always(literal('string')),
  rewrite: always(literal('block')),
  register: always(literal('block')),
  timers: always(literal('block')),
  limits: always(literal('block')),
  parallel: always(literal('members')),
  serial: always(literal('members')),
  'local-calls': always({ kind: 'keywords', phrases: localCallModes.map((m) => m.word) }),
};

/**
 * Keywords that may follow the value of a statement (a name, a number, a string),
 * by the keyword the statement starts with: `phone NAME EXT at ...`.
 */
export const afterValue: Partial<Readonly<Record<KeywordWord, readonly string[]>>> = {
  branch: ['uses'],
  profile: ['uses'],
  scenario: ['in'],
  phone: ['at', 'registered'],
  forward: ['with path'],
  ring: ['for', 'then'],
  for: ['then'],
  redirect: ['to'],
  did: ['to'],
  'caller-id': ['for', 'private'],
  emergency: ['direct to'],
  'per-source': ['per'],
  outside: ['per'],
  expect: ['gets', 'answers', 'marked down'],
};

/** The first `Follow` of `word` that holds where it stands, if any. */
export function followAt(word: KeywordWord, holds: (when: When) => boolean): Follow | undefined {
  return follows[word]?.find((f) => f.when === undefined || holds(f.when));
}

/** What a keyword means, for hovers and completion documentation. */
export interface KeywordDoc {
  /** The shape of the statement, e.g. `no-answer DURATION`. */
  readonly syntax: string;
  /** What it means. */
  readonly text: string;
  /** The Kamailio module, parameter or function that implements it. */
  readonly kamailio?: string;
  /** The standard behind it. */
  readonly rfc?: string;
  /** surv's default, when the setting may be left out. */
  readonly default?: string;
}

const sim = 'simulator only';

/** Every keyword's main meaning: typed by the keyword list, so a keyword without one is a compile error. */
export const keywordDocs: Readonly<Record<KeywordWord, KeywordDoc>> = {
  branch: { syntax: 'branch NAME [uses PROFILE] { settings }', text: 'One site: the branch edge proxy (Kamailio on the office router), its LANs, PSTN gateways, upstreams and survival policy. Branch names are unique across the fleet.' },
  profile: { syntax: 'profile NAME [uses PROFILE] { settings }', text: 'A reusable bundle of settings. A branch that `uses` it takes every setting; its own settings override them (gateways and upstreams merge property by property, timers and register field by field).' },
  uses: { syntax: 'branch NAME uses PROFILE', text: 'Takes every setting of the profile (and of the profiles it uses); the block\'s own settings override them.' },
  use: { syntax: 'use "PATH"', text: 'Makes the profiles and branches of another file visible here. The path is relative to this file; `use` is not transitive.' },
  edge: { syntax: 'edge listen TRANSPORT ADDRESS[:PORT], ...', text: 'The sockets the branch edge proxy listens on. Port defaults to 5060 (5061 for tls). At least one is required.', kamailio: 'core `listen=proto:addr:port`' },
  listen: { syntax: 'edge listen TRANSPORT ADDRESS[:PORT], ...', text: 'One listening socket of the edge proxy.', kamailio: 'core `listen=proto:addr:port`' },
  lan: { syntax: 'lan NETWORK/PREFIX, ...', text: 'The networks whose phones get survival. IPv4 and IPv6; host bits must be zero; LANs must not overlap between branches.', kamailio: 'ipops `is_in_subnet($si, "10.222.237.0/24")`' },
  gateway: { syntax: 'gateway NAME { address ADDR  kind bri|pri|fxo|trunk  [channels N]  [transport T] }', text: 'A local SIP↔PSTN gateway: where survival calls go when the upstreams give no reply. Its channel count bounds the concurrent survival calls.', kamailio: 'the destination set in `$du` before `t_relay()` (or the host of a 3xx Contact)' },
  address: { syntax: 'address IP[:PORT]', text: 'The gateway\'s IP address and port (port default 5060).', default: 'port 5060' },
  kind: { syntax: 'kind bri|pri|fxo|trunk', text: 'The kind of PSTN line behind the gateway, which sets the default channel count: `bri` 2, `pri` 30, `fxo` 1, `trunk` (a SIP trunk) none (`channels` required). Required.' },
  channels: { syntax: 'channels N', text: 'How many calls the gateway carries at once. A BRI line has 2 B channels, so for `bri` it must be a multiple of 2. The edge counts the calls holding each gateway, both directions (a call from the gateway holds one too): a full gateway is skipped without sending, and the next of a gateway list is tried; with none left the phone gets 503 No Gateway Available. Emergency calls are never held back by the count.', kamailio: 'dialog module: `dlg_manage()`, `set_dlg_profile("gw", "NAME")`, `get_profile_size("gw", "NAME", "$var(n)")` (`profiles_with_value`)', default: 'bri 2, pri 30, fxo 1; trunk: required' },
  transport: { syntax: 'transport udp|tcp|tls', text: 'The transport to reach this peer over. For an upstream, the default is the proxy URI\'s `;transport=` parameter, else udp. For a phone, what it sends and is reached over (a registered phone: what it registers over); the edge must listen on it.', kamailio: '`;transport=` of the URI relayed to (a registered phone: the socket usrloc saved)', rfc: 'RFC 3261 §18 (transport layer)', default: 'udp' },
  upstream: { syntax: 'upstream NAME { proxy SIP-URI  [transport T]  [probe options ...] }', text: 'A central proxy or PBX. Calls from the LAN go to the upstreams of `via`, in order; when one gives no reply at all the next is tried.', kamailio: 'a dispatcher destination; failover by `t_on_failure` + `ds_next_dst()`' },
  proxy: { syntax: 'proxy SIP-URI', text: 'The upstream\'s SIP URI (`sip:` or `sips:`, host, port, `;transport=`). Required.', rfc: 'RFC 3261 §19.1 (SIP URIs)' },
  probe: { syntax: 'probe options every D timeout D down after N up after N holdoff D', text: 'Keepalive probing with SIP OPTIONS, of an upstream or a gateway. While an upstream is marked down, calls skip it and go straight to survival instead of each waiting its own no-answer; while a gateway is, every gateway list skips it (a gateway takes no `holdoff`).', kamailio: 'dispatcher `ds_ping_method="OPTIONS"`, `ds_ping_interval`, `ds_probing_threshold`, `ds_inactive_threshold`, `ds_probing_mode`', rfc: 'RFC 3261 §11 (OPTIONS)' },
  options: { syntax: 'probe options ...', text: 'Probes are SIP OPTIONS requests; any final reply counts as alive.', kamailio: 'dispatcher `ds_ping_method="OPTIONS"`', rfc: 'RFC 3261 §11' },
  every: { syntax: 'every DURATION', text: 'The interval between two OPTIONS probes.', kamailio: 'dispatcher `ds_ping_interval`', default: '15s' },
  timeout: { syntax: 'timeout DURATION', text: 'How long one OPTIONS probe waits for a reply before it counts as failed.', kamailio: 'tm timeout of the probe transaction (`fr_timer` for the OPTIONS)', default: '2s' },
  down: { syntax: 'down after N', text: 'Failed probes in a row that mark the upstream down.', kamailio: 'dispatcher `ds_probing_threshold`', default: '2' },
  up: { syntax: 'up after N', text: 'Successful probes in a row that mark the upstream up again.', kamailio: 'dispatcher `ds_inactive_threshold`', default: '3' },
  after: { syntax: 'down after N / up after N', text: 'The number of probes in a row before the upstream\'s state changes.', kamailio: 'dispatcher `ds_probing_threshold` / `ds_inactive_threshold`' },
  holdoff: { syntax: 'holdoff DURATION', text: 'The least time an upstream stays marked down before calls fail back to it, so a flapping link does not bounce calls back and forth. surv only: the exported routing enforces it.', default: '0s' },
  timers: { syntax: 'timers { no-answer D  ringing D  trying D  t1 D  t2 D  budget D }', text: 'The transaction timers of the edge proxy and the post-dial budget. Merged field by field through profiles.', kamailio: 'tm module parameters' },
  'no-answer': { syntax: 'no-answer DURATION', text: 'The time an upstream has to send any reply (even a 100 Trying) before it counts as gone and the next upstream, then survival, is tried.', kamailio: 'tm `fr_timer`', rfc: 'bounded by Timer B = 64×T1 (RFC 3261 §17.1.1.2)', default: '10s (Kamailio\'s own default is 30s)' },
  ringing: { syntax: 'ringing DURATION', text: 'How long a call may ring once a provisional reply arrived (for a call to an upstream: a reply above 100). Must be at least no-answer and trying.', kamailio: 'tm `fr_inv_timer`', default: '120s' },
  t1: { syntax: 't1 DURATION', text: 'The retransmission base: an estimate of the round-trip time. INVITEs over UDP are resent at T1, 2×T1, 4×T1, ... (Timer A); Timer B is 64×T1.', kamailio: 'tm `retr_timer1`', rfc: 'RFC 3261 §17.1.1.1 (T1)', default: '500ms' },
  t2: { syntax: 't2 DURATION', text: 'The retransmission cap: the longest interval between retransmissions of non-INVITE requests and INVITE responses.', kamailio: 'tm `retr_timer2`', rfc: 'RFC 3261 §17.1.1.1 (T2), §17.1.2.2', default: '4s' },
  budget: { syntax: 'budget DURATION', text: 'The longest post-dial delay a user will accept. The worst case (every upstream of `via` timing out in turn: upstreams × no-answer) must fit in it. surv only.', default: '20s' },
  phone: { syntax: 'phone NAME EXTENSION (at ADDRESS | registered) [transport udp|tcp|tls]', text: 'A phone of the branch: its extension (the SIP user), either a fixed address inside a LAN or `registered`, and the transport it speaks (default udp).' },
  at: { syntax: 'phone NAME EXT at ADDRESS', text: 'The phone\'s fixed IP address; it must lie inside a LAN of the branch.' },
  registered: { syntax: 'phone NAME EXT registered', text: 'The phone has no fixed address and is reached through its registration (in survival only with `keep local copy`).', kamailio: 'registrar `lookup("location")`' },
  group: { syntax: 'group NAME [NUMBER] parallel|serial [MEMBER, ...] [ring DURATION]', text: 'Phones rung together (`parallel`) or one after another (`serial`). With a NUMBER the group is an extension of the branch too (shared with the phones\' extensions): a phone dialling it in survival rings the members from the edge (`local-calls`).', rfc: 'RFC 3261 §16.6 (forking)' },
  parallel: { syntax: 'group NAME parallel [...]', text: 'Ring every member at once; the first to answer takes the call.', kamailio: 'parallel forking: one branch per member (`append_branch()`), `t_relay()`', rfc: 'RFC 3261 §16.6' },
  serial: { syntax: 'group NAME serial [...] ring D', text: 'Ring the members one after another, each for the group\'s ring time.', kamailio: 'serial forking: `t_load_contacts()` / `t_next_contacts()` with `t_set_fr()`' },
  ring: { syntax: 'ring TARGET [for DURATION] / group ... ring DURATION', text: 'In an inbound chain: ring a phone or group (for `for` time, default the group\'s ring time or 20s). After a group: the group\'s ring time.', kamailio: '`t_set_fr()` per step, next step in `failure_route`', default: '20s' },
  register: { syntax: 'register { forward UPSTREAM [with path]  [keep local copy] }', text: 'What the edge proxy does with REGISTERs from the LAN.', rfc: 'RFC 3261 §10 (registrations)' },
  forward: { syntax: 'forward UPSTREAM [with path]', text: 'The upstream REGISTERs are forwarded to.', default: 'the first upstream of the outbound chain' },
  with: { syntax: 'forward UPSTREAM with path', text: 'Add a Path header to forwarded REGISTERs, so the central PBX sends calls for the phone back through the branch proxy. Without it the PBX would bypass the branch (a warning).', kamailio: 'path `add_path()` (with `Supported: path`)', rfc: 'RFC 3327 (Path)' },
  path: { syntax: 'forward UPSTREAM with path', text: 'Add a Path header to forwarded REGISTERs, so the central PBX sends calls for the phone back through the branch proxy.', kamailio: 'path `add_path()` (with `Supported: path`)', rfc: 'RFC 3327 (Path)' },
  keep: { syntax: 'keep local copy', text: 'Keep a shadow copy of the registrations in the branch, so `registered` phones can still be reached in survival.', kamailio: 'registrar `save("location")` in the branch (usrloc), then forward' },
  local: { syntax: 'keep local copy', text: 'Keep a shadow copy of the registrations in the branch, so `registered` phones can still be reached in survival.', kamailio: 'registrar `save("location")` in the branch (usrloc), then forward' },
  copy: { syntax: 'keep local copy', text: 'Keep a shadow copy of the registrations in the branch, so `registered` phones can still be reached in survival.', kamailio: 'registrar `save("location")` in the branch (usrloc), then forward' },
  limits: { syntax: 'limits { per-source N per D  outside N per D  max-expires D  max-contacts N }', text: 'Flood limits of the edge proxy and the bounds of its local copy of registrations. Merged field by field through profiles. See docs/security.md.', kamailio: 'pike, ratelimit and registrar module parameters', default: 'per-source 30 per 2s, outside 200 per 1s, max-expires 1h, max-contacts 5' },
  'per-source': { syntax: 'per-source N per DURATION', text: 'At most N requests per window from any one source address (LAN phones included); a source over it is ignored until it slows down. The window is whole seconds, 1s to 60s.', kamailio: 'pike `reqs_density_per_unit` (N) and `sampling_time_unit` (the window)', default: '30 per 2s' },
  per: { syntax: 'per-source N per DURATION / outside N per DURATION', text: 'The window the request count is measured over, in whole seconds (1s to 60s).', kamailio: 'pike `sampling_time_unit` / ratelimit `timer_interval`' },
  outside: { syntax: 'outside N per DURATION', text: 'At most N requests per window from every source outside the LANs together (upstreams, gateways and strangers); the rest are dropped. The window is whole seconds, 1s to 60s.', kamailio: 'ratelimit `pipe` (one TAILDROP pipe, limit N) and `timer_interval` (the window)', default: '200 per 1s' },
  'max-expires': { syntax: 'max-expires DURATION', text: 'The longest registration the local copy keeps (whole seconds, 1m to 24h); a phone asking for more gets this.', kamailio: 'registrar `max_expires`', rfc: 'RFC 3261 §10.3 (Expires)', default: '1h' },
  'max-contacts': { syntax: 'max-contacts N', text: 'The most contacts the local copy keeps per address of record (1 to 100); a REGISTER adding more is refused.', kamailio: 'registrar `max_contacts`', rfc: 'RFC 3261 §10.3', default: '5' },
  outbound: { syntax: 'outbound from lan via UPSTREAM, ... { on timeout {...}  pass ...  emergency ...  rewrite {...} }', text: 'The policy for calls from the LAN: the upstreams to try in order and what to do when they all give no reply.', kamailio: '`t_relay()` to the first upstream, `t_on_failure` for the next' },
  from: { syntax: 'outbound from lan / inbound from GATEWAY', text: 'Where the calls of this policy come from.' },
  via: { syntax: 'via UPSTREAM, ...', text: 'The upstreams, tried in order. The worst post-dial delay is their number × no-answer.', kamailio: 'dispatcher set order; `ds_next_dst()` in `failure_route`' },
  on: { syntax: 'on timeout { [announce CODE "TEXT"]  redirect CODE to GW | relay to GW }', text: 'What happens when the last upstream timed out with no reply at all. A call that got any reply is never diverted.', kamailio: '`failure_route` with `t_branch_timeout()` and not `t_branch_replied()`', rfc: 'RFC 3261 §17.1.1.2 (Timer B)' },
  announce: { syntax: 'announce CODE "TEXT"', text: 'Send a provisional reply (101-199) whose reason phrase the phone may show, e.g. `181 "Survival Activated - please standby"`. Optional, and first.', kamailio: 'tm `t_reply()` with a 1xx', rfc: 'RFC 3261 §21.1 (provisional 1xx)' },
  redirect: { syntax: 'redirect CODE to GATEWAY, ...', text: 'Answer with a 3xx whose `Contact: sip:<dialled number>@<gateway>` makes the phone redial through the gateway: the first of the list that is not marked down and has a free channel (none: 503 No Gateway Available). 302 is the interoperable choice; 380 is accepted with a warning.', kamailio: '`append_to_reply("Contact: ...")` + `t_reply("302", ...)`', rfc: 'RFC 3261 §21.3 (redirection 3xx), §8.1.3.4' },
  relay: { syntax: 'relay to GATEWAY, ...', text: 'The edge proxy itself sends the call on to the gateways in order; the phone sees no redirect. A gateway marked down or full is skipped; the next is tried on no reply, a failed send, 408, 486, 503 or 600. With none left: 503 No Gateway Available.', kamailio: '`$du = "sip:gw"` + `t_relay()` in `failure_route`, the next gateway from `failure_route` (`t_check_status("408|486|503|600")`); channels by dialog profiles' },
  to: { syntax: '... to NAME', text: 'The gateway (or, for `did`, the phone or group) the call goes to.' },
  pass: { syntax: 'pass all | pass CODE|CLASS, ...', text: 'The upstream final replies passed to the phone. A final reply not in the list is treated like a timeout (survival).', default: 'all', rfc: 'RFC 3261 §16.7 (response processing)' },
  all: { syntax: 'pass all', text: 'Every final reply of an upstream goes back to the phone unchanged.' },
  emergency: { syntax: 'emergency NUMBER, ... [direct to GATEWAY, ...]', text: 'Numbers that always go straight to a gateway, upstream or not, and are never rewritten. The gateways are tried in order, as for the survival relay, but the edge\'s channel count never holds an emergency call back: a gateway with no line refuses it and the next is tried.', default: 'the survival gateways, else the first gateway' },
  direct: { syntax: 'emergency ... direct to GATEWAY, ...', text: 'The gateways emergency calls go to, in order.', kamailio: '`$du` + `t_relay()`, the next from `failure_route`', default: 'the survival gateways, else the first gateway' },
  rewrite: { syntax: 'rewrite { match PREFIX  strip N  prefix DIGITS }', text: 'Change a called number; the first rule whose `match` fits applies. In `outbound`: numbers sent to a gateway in survival. In `gateway NAME`: numbers sent to that gateway (they replace the outbound rules for it). In `inbound`: the number a gateway\'s call asks for, before the dids are matched. Emergency numbers are never rewritten.', kamailio: 'core `strip()` / `prefix()` on `$rU`', rfc: 'ITU-T E.164 (international numbers, `+` and country code)' },
  'caller-id': { syntax: 'caller-id NUMBER [for EXTENSION] [private]', text: 'The calling number the gateway is told for calls the edge sends it: `caller-id +349441231XX for 1XX` (the caller\'s last digits fill the Xs), `caller-id +34944123000` for every other caller; the first that fits applies. `private` asks the gateway to withhold it (CLIR).', kamailio: 'textops `append_hf("P-Asserted-Identity: <sip:NUMBER@EDGE>")` after `remove_hf`, a match on `$fU`', rfc: 'RFC 3325 §9.1 (P-Asserted-Identity)' },
  private: { syntax: 'caller-id NUMBER [for EXTENSION] private', text: 'Present the number to the gateway but ask it to withhold it from the called party (calling line identification restriction).', kamailio: 'textops `append_hf("Privacy: id")`', rfc: 'RFC 3323 §4.2, RFC 3325 §9.3 (Privacy: id)' },
  match: { syntax: 'match PREFIX', text: 'The rule applies to numbers starting with this prefix (no `match`: every number).', kamailio: '`$rU =~ "^PREFIX"`' },
  strip: { syntax: 'strip N', text: 'Remove the first N digits.', kamailio: 'core `strip(N)`' },
  prefix: { syntax: 'prefix DIGITS', text: 'Put these digits in front (after `strip`).', kamailio: 'core `prefix("DIGITS")`' },
  inbound: { syntax: 'inbound from GATEWAY, ... { ring TARGET [for D] then ring ...  did NUMBER to TARGET }', text: 'Calls arriving from the named gateways: ring the chain, step by step, or send a called number straight to a phone or group.', kamailio: 'dispatcher `ds_is_from_list()` to tell the gateway\'s calls apart' },
  then: { syntax: 'ring A [for D] then ring B', text: 'The next step of the ring chain, when the previous one was not answered in time.', kamailio: 'the next step in `failure_route`' },
  did: { syntax: 'did NUMBER|PATTERN to TARGET|EXTENSION-PATTERN', text: 'A called number (DID) sent straight to a phone or group instead of the ring chain. A pattern (`did 9441231XX to front`) takes every number whose Xs are any digits; `did 9441231XX to 1XX` lets the last digits pick the extension. Exact dids first, then patterns in written order.', kamailio: 'a match on `$rU` (`=~ "^9441231[0-9]{2}$"` for a pattern)' },
  for: { syntax: 'ring TARGET for DURATION', text: 'How long this step rings before the next.', kamailio: '`t_set_fr()` (fr_inv_timer of the step)', default: 'the group\'s ring time, or 20s' },
  scenario: { syntax: 'scenario "TITLE" in BRANCH { states  events  expectations }', text: 'A named situation the simulator plays in one branch; scenarios are not exported to Kamailio.' },
  in: { syntax: 'scenario "TITLE" in BRANCH', text: 'The branch the scenario runs in.' },
  silent: { syntax: 'ACTOR silent', text: `The actor sends nothing at all: no 100, no final reply (${sim}).` },
  slow: { syntax: 'ACTOR slow DURATION', text: `Every reply of the actor is delayed by the duration (upstreams and gateways; ${sim}).` },
  answers: { syntax: 'ACTOR answers [CODE] [after DURATION]', text: `The actor answers calls, with CODE (default 200) after the delay (${sim}).` },
  trying: { syntax: 'trying DURATION', text: 'How long a call to an upstream that answered only 100 Trying may wait for a ringing (18x) or final reply. When it runs out the upstream counts as silent: the next upstream, then survival, as for no reply at all. At most ringing.', kamailio: 'tm `fr_inv_timer` set with `t_set_fr()` on each relay to an upstream, raised to ringing by `t_set_fr()` in the `onreply_route` on a reply above 100', rfc: 'RFC 3261 §17.2.1 (a 100 Trying within 200 ms), §16.7 (provisional responses)', default: 'the no-answer value' },
  ignores: { syntax: 'UPSTREAM ignores invite / PHONE ignores redirect', text: `The upstream answers OPTIONS probes but not INVITEs; or the phone does not follow 3xx redirects (${sim}).` },
  invite: { syntax: 'UPSTREAM ignores invite', text: `The upstream answers OPTIONS (so probing says up) but never answers an INVITE (${sim}).` },
  flapping: { syntax: 'UPSTREAM flapping down DURATION up DURATION', text: `The upstream alternates between silent and up (${sim}).` },
  busy: { syntax: 'ACTOR busy', text: `The gateway or phone answers 486 Busy Here (${sim}).` },
  full: { syntax: 'GATEWAY full', text: `Every channel of the gateway is in use: it takes no new call (${sim}).` },
  unregistered: { syntax: 'PHONE unregistered', text: `The phone has no registration (${sim}).` },
  calls: { syntax: 'CALLER calls NUMBER|PHONE [at TIME]', text: `A phone (or a gateway, for an incoming PSTN call) places a call (${sim}).` },
  registers: { syntax: 'PHONE registers [at TIME]', text: `The phone sends a REGISTER (${sim}).` },
  stranger: { syntax: 'stranger ADDRESS sends METHOD URI [route URI, ...] [to-tag] [at TIME]', text: `A source outside the trust model (not a LAN, an upstream or a gateway) sends one request to the edge; the edge answers it 403 and relays nothing. In expectations its name is \`stranger\` (${sim}; docs/security.md).` },
  sends: { syntax: 'stranger ADDRESS sends METHOD URI ... | UPSTREAM sends METHOD URI ...', text: `One request (INVITE, REGISTER, OPTIONS, MESSAGE or BYE) to the edge, as a stranger or an upstream or gateway of the branch would send it (${sim}).` },
  route: { syntax: 'sends METHOD URI route URI, ...', text: `A preloaded Route set on the request, top first: anything after the edge itself is refused with 403 Preloaded Route Refused (${sim}).` },
  'to-tag': { syntax: 'sends METHOD URI to-tag', text: `The request carries a To-tag nobody issued: an in-dialog request for a dialog that does not exist (${sim}).` },
  receives: { syntax: 'expect ACTOR receives nothing', text: `The actor receives no request that came from a \`sends\` line (${sim}).` },
  nothing: { syntax: 'expect ACTOR receives nothing', text: `Nothing a stranger (or a \`sends\` line) sent reaches the actor (${sim}).` },
  expect: { syntax: 'expect ACTOR gets CODE ... | expect ACTOR answers [at T] | expect UPSTREAM marked down at T', text: `What the simulation must show; \`surv simulate\` fails otherwise (${sim}).` },
  gets: { syntax: 'expect ACTOR gets CODE [at T | within T] [contact URI] ["REASON"]', text: `The actor receives a reply with this code (${sim}).` },
  within: { syntax: 'within DURATION', text: `The reply arrives at most this long after the call started (${sim}).` },
  contact: { syntax: 'contact SIP-URI', text: `The reply's Contact header (for a 3xx: where the phone redials; ${sim}).`, rfc: 'RFC 3261 §20.10 (Contact)' },
  marked: { syntax: 'expect UPSTREAM marked down at TIME', text: `Probing marks the upstream down at this time (${sim}).` },
  until: { syntax: 'ACTOR STATE until TIME', text: `The state ends at this time (${sim}).` },
  network: { syntax: 'network loss PERCENT', text: `Random packet loss on every link (${sim}).` },
  loss: { syntax: 'network loss PERCENT', text: `The share of SIP messages lost (${sim}).`, default: '0%' },
  seed: { syntax: 'seed NUMBER', text: `The random seed, so a lossy scenario plays the same way every run (${sim}).`, default: '1' },
  udp: { syntax: 'udp', text: 'SIP over UDP: retransmissions by the T1/T2 timers. Port 5060.', rfc: 'RFC 3261 §18, §17.1.1.2' },
  tcp: { syntax: 'tcp', text: 'SIP over TCP: no retransmissions (a reliable transport). Port 5060.', rfc: 'RFC 3261 §18' },
  tls: { syntax: 'tls / tls { certificate "PATH"  key "PATH"  [ca "PATH"] }', text: 'SIP over TLS (sips:). Port 5061. As a block: the files of the edge\'s TLS sockets, absolute paths on the router; required by `edge listen tls`.', kamailio: 'tls module (Debian `kamailio-tls-modules`): `enable_tls=yes`, `modparam("tls", "certificate" | "private_key" | "ca_list", ...)`', rfc: 'RFC 3261 §26.2, RFC 5630' },
  certificate: { syntax: 'certificate "PATH"', text: 'The edge\'s certificate (PEM), an absolute path on the router. Required in `tls { }`.', kamailio: 'tls module parameter `certificate` (the default server domain)' },
  key: { syntax: 'key "PATH"', text: 'The private key of the certificate (PEM), an absolute path on the router. Required in `tls { }`.', kamailio: 'tls module parameter `private_key`' },
  ca: { syntax: 'ca "PATH"', text: 'The CA certificates (PEM) phones\' certificates are checked against, an absolute path. Without it phones are not asked for a certificate.', kamailio: 'tls module parameters `ca_list`, `verify_certificate` and `require_certificate`', default: 'none: no client certificate asked' },
  router: { syntax: 'router { platform edgeos|debian|openwrt  manage ADDRESS[:PORT]  [user NAME] }', text: 'The router the branch\'s proxy runs on, for `surv export`: its platform (the bundle\'s target when `--target` is not given) and how Ansible reaches it over SSH (`surv export --ansible`). Field by field: a profile can give the platform and user, each branch its own address.' },
  platform: { syntax: 'platform edgeos|debian|openwrt', text: 'The router\'s platform: where the bundle puts its files and how Kamailio is started. `surv export --target` overrides it.' },
  edgeos: { syntax: 'platform edgeos', text: 'A Ubiquiti EdgeRouter (EdgeOS): files in /config/surv, a post-config.d boot hook copies them into /etc.' },
  debian: { syntax: 'platform debian', text: 'A Debian router with systemd and Debian\'s kamailio package.' },
  openwrt: { syntax: 'platform openwrt', text: 'An OpenWrt router: a procd service with respawn, settings in UCI, the files kept across sysupgrade.' },
  manage: { syntax: 'manage ADDRESS[:PORT]', text: 'The management address Ansible reaches the router on over SSH (port 22 unless given). One inventory host per branch.', default: 'none: `surv export --ansible` refuses a branch without it' },
  user: { syntax: 'user NAME', text: 'The SSH user Ansible logs in as (a POSIX user name). It needs root, directly or through `become`.', default: 'Ansible\'s own (ansible_user, or the local user name)' },
  bri: { syntax: 'kind bri', text: 'ISDN Basic Rate Interface: 2 B channels per line, so channels must be a multiple of 2.', default: '2 channels' },
  pri: { syntax: 'kind pri', text: 'ISDN Primary Rate Interface (E1): 30 B channels.', default: '30 channels' },
  fxo: { syntax: 'kind fxo', text: 'An analogue line (FXO port): one call at a time per port.', default: '1 channel' },
  'local-calls': {
    syntax: 'local-calls survival|always|off',
    text: 'Calls from a phone of the branch to a phone extension or group number of the branch. `survival` (default): they go upstream like any call, and once survival starts (no upstream answered) the edge rings the phone or group itself, exactly like an inbound call (a `registered` phone through the local copy of registrations), never a gateway; nobody reachable gives 480. `always`: the edge rings them at once, never upstream. `off`: they take the upstream and then the survival gateway like any number.',
    kamailio: 'a match on `$rU` in `route[SURVIVE]` (or before the upstream, `always`), then `t_relay()` to the phones, `lookup("location")` for registered ones, `t_set_fr()` per ring step',
    rfc: 'RFC 3261 §16.6 (forking)',
    default: 'survival',
  },
  survival: { syntax: 'local-calls survival', text: 'Local calls go upstream like any call; only when the upstreams fail does the edge ring the branch\'s phone or group itself instead of a gateway.', kamailio: 'the local match in `route[SURVIVE]`' },
  always: { syntax: 'local-calls always', text: 'Local calls never go upstream: the edge rings the branch\'s phone or group at once (the central PBX never sees them).', kamailio: 'the local match in `route[OUTBOUND]`, before the upstream' },
  off: { syntax: 'local-calls off', text: 'No local calls: a call to a branch extension goes upstream and, in survival, to the gateway like any number (the PBX sees everything; verify reports SURV087 when a gateway can take one).' },
  trunk: { syntax: 'kind trunk', text: 'A SIP trunk to a carrier: `channels` is required (the contracted concurrent calls).', default: 'none: channels required' },
};

/** Meanings that differ by place (the hover picks the place). */
export const contextualDocs: Partial<Record<KeywordWord, Partial<Record<KeywordContext, KeywordDoc>>>> = {
  timeout: { 'on-timeout': keywordDocs.on },
  down: {
    'scenario-state': { syntax: 'ACTOR down', text: `The upstream or gateway is unreachable: requests to it fail at once (${sim}).` },
    flapping: { syntax: 'flapping down DURATION up DURATION', text: `How long each silent phase of the flapping lasts (${sim}).` },
    marked: keywordDocs.marked,
  },
  up: {
    'scenario-state': { syntax: 'ACTOR up', text: `The actor works normally (the default; ${sim}).` },
    flapping: { syntax: 'flapping down DURATION up DURATION', text: `How long each working phase of the flapping lasts (${sim}).` },
  },
  'no-answer': { 'scenario-state': { syntax: 'PHONE no-answer', text: `The phone rings forever and nobody picks up (${sim}).` } },
  trying: { 'scenario-state': { syntax: 'UPSTREAM trying', text: `The upstream sends 100 Trying, then nothing: after the branch's \`trying\` timer it counts as silent (next upstream, then survival) (${sim}).` } },
  redirect: { 'scenario-state': { syntax: 'PHONE ignores redirect', text: `The phone does not redial on a 3xx; survival by redirect fails for it (${sim}).` } },
  answers: { expect: { syntax: 'expect ACTOR answers [at TIME]', text: `The actor (a phone or a gateway) answers a call, at this time (${sim}).` } },
  at: { 'scenario-time': { syntax: '... at TIME', text: `The time since the start of the scenario (${sim}).` } },
  after: { 'scenario-state': { syntax: 'answers [CODE] after DURATION', text: `The delay before the actor answers (${sim}).` } },
  from: {
    'scenario-state': { syntax: 'ACTOR STATE from TIME', text: `The state starts at this time (default 0; ${sim}).` },
    inbound: { syntax: 'inbound from GATEWAY, ...', text: 'The gateways whose incoming calls this policy handles.', kamailio: 'dispatcher `ds_is_from_list()`' },
    outbound: { syntax: 'outbound from lan', text: 'Calls from the phones of the branch\'s LANs.', kamailio: 'ipops `is_in_subnet($si, ...)`' },
  },
  lan: { outbound: { syntax: 'outbound from lan via ...', text: 'Calls whose source address lies inside a LAN of the branch.', kamailio: 'ipops `is_in_subnet($si, ...)`' } },
  ring: {
    group: { syntax: 'group NAME ... ring DURATION', text: 'How long the group rings (each member, for a serial group).', kamailio: '`t_set_fr()` (fr_inv_timer for the group\'s branches)', default: '20s' },
    inbound: { syntax: 'ring TARGET [for DURATION]', text: 'Ring a phone or group as a step of the inbound chain.', kamailio: '`t_relay()` to the target, next step in `failure_route`' },
  },
};

/** The meaning of `word`, in `context` where it differs there. */
export function keywordDoc(word: KeywordWord, context?: KeywordContext): KeywordDoc {
  return (context && contextualDocs[word]?.[context]) || keywordDocs[word];
}
