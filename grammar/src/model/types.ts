// The resolved semantic model: references linked, profiles expanded, defaults
// filled, durations in milliseconds, addresses parsed. Every engine (simulator,
// ladder, export) reads this and never the AST.

/** Where a value came from: a source span, or surv's documented default. */
export type Origin =
  | { readonly kind: 'source'; readonly uri: string; readonly start: number; readonly end: number }
  | { readonly kind: 'default' };

/** A value and its provenance. */
export interface Setting<T> {
  readonly value: T;
  readonly origin: Origin;
}

export type TransportName = 'udp' | 'tcp' | 'tls';
export type GatewayKindName = 'bri' | 'pri' | 'fxo' | 'trunk';

export interface HostPort {
  /** Canonical text of the IP address (IPv6 compressed, no brackets). */
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
}

export interface Network {
  /** Canonical `address/prefix`. */
  readonly cidr: string;
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
  readonly origin: Origin;
}

export interface Listen extends HostPort {
  readonly transport: TransportName;
  readonly origin: Origin;
}

export interface Gateway {
  readonly name: string;
  readonly origin: Origin;
  readonly address: Setting<HostPort | undefined>;
  readonly transport: Setting<TransportName>;
  readonly kind: Setting<GatewayKindName | undefined>;
  readonly channels: Setting<number | undefined>;
  /** Called-number rules for calls sent to this gateway; undefined when it has none (the outbound block's apply). */
  readonly rewrite: Setting<readonly RewriteRule[]> | undefined;
  /** Calling-number presentation, first match wins; empty: the caller's own From goes unchanged. */
  readonly callerIds: Setting<readonly CallerIdRule[]>;
  /** OPTIONS keepalive probing, as for an upstream (`probe options ...` in the gateway block). */
  readonly probe: Probe | undefined;
}

export interface Probe {
  readonly origin: Origin;
  readonly everyMs: Setting<number>;
  readonly timeoutMs: Setting<number>;
  readonly downAfter: Setting<number>;
  readonly upAfter: Setting<number>;
  readonly holdoffMs: Setting<number>;
}

export interface Upstream {
  readonly name: string;
  readonly origin: Origin;
  /** The SIP URI as written, and its parts. */
  readonly proxy: Setting<SipTarget | undefined>;
  readonly transport: Setting<TransportName>;
  readonly probe: Probe | undefined;
}

export interface SipTarget {
  readonly uri: string;
  readonly user: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly transportParam: TransportName | undefined;
}

export interface Timers {
  readonly noAnswerMs: Setting<number>;
  readonly ringingMs: Setting<number>;
  /** How long an upstream that sent only 100 Trying has for a ringing or final reply; default: the no-answer value. */
  readonly tryingMs: Setting<number>;
  readonly t1Ms: Setting<number>;
  readonly t2Ms: Setting<number>;
  readonly budgetMs: Setting<number>;
}

export interface Phone {
  readonly name: string;
  readonly origin: Origin;
  readonly extension: Setting<string | undefined>;
  /** A fixed address, or undefined for `registered` phones. */
  readonly address: Setting<HostPort | undefined>;
  readonly registered: boolean;
  /** What the phone sends over and is reached over (a registered phone: what it registers over). */
  readonly transport: Setting<TransportName>;
}

export interface Group {
  readonly name: string;
  readonly origin: Origin;
  readonly mode: Setting<'parallel' | 'serial'>;
  /** The group's extension number, shared with the phones' extensions (a local call target). */
  readonly number: Setting<string | undefined>;
  readonly members: Setting<readonly string[]>;
  readonly ringMs: Setting<number>;
}

export interface RegisterPolicy {
  /** Upstream name REGISTERs go to (default: first of the outbound chain). */
  readonly forward: Setting<string | undefined>;
  readonly withPath: Setting<boolean>;
  readonly keepLocalCopy: Setting<boolean>;
}

/** A number of requests per window: `per-source 30 per 2s`. */
export interface Rate {
  readonly count: number;
  /** The window, in whole seconds. */
  readonly windowS: number;
}

/** The files of the edge's TLS sockets (`tls { ... }`), absolute paths on the router. */
export interface TlsSettings {
  /** The nearest `tls` block (where a missing file is reported). */
  readonly origin: Origin;
  readonly certificate: Setting<string | undefined>;
  readonly key: Setting<string | undefined>;
  readonly ca: Setting<string | undefined>;
}

/** The router platforms a bundle is made for. */
export type PlatformName = 'edgeos' | 'debian' | 'openwrt';

/** The router the branch runs on (`router { ... }`), merged field by field through profiles. */
export interface RouterSettings {
  /** The nearest `router` block. */
  readonly origin: Origin;
  readonly platform: Setting<PlatformName | undefined>;
  /** The SSH management address (port 22 unless given). */
  readonly manage: Setting<HostPort | undefined>;
  readonly user: Setting<string | undefined>;
}

/** Flood limits and the bounds of the local registration copy (`limits { ... }`). */
export interface Limits {
  /** Requests per window from one source address (pike `reqs_density_per_unit` / `sampling_time_unit`). */
  readonly perSource: Setting<Rate>;
  /** Requests per window from every source outside the LANs together (ratelimit pipe / `timer_interval`). */
  readonly outside: Setting<Rate>;
  /** registrar `max_expires` of the local copy, in seconds. */
  readonly maxExpiresS: Setting<number>;
  /** registrar `max_contacts` per address of record. */
  readonly maxContacts: Setting<number>;
}

export type SurvivalAction =
  | { readonly kind: 'announce'; readonly code: number; readonly reason: string; readonly origin: Origin }
  /** `gateway` is the first of `gateways`, the gateways in the order they are tried. */
  | { readonly kind: 'redirect'; readonly code: number; readonly gateway: string; readonly gateways: readonly string[]; readonly origin: Origin }
  | { readonly kind: 'relay'; readonly gateway: string; readonly gateways: readonly string[]; readonly origin: Origin };

/** A reply code (`404`) or class (`5xx`) that passes through. */
export type ReplyPattern = { readonly code: number } | { readonly class: number };

export interface RewriteRule {
  readonly match: string;
  readonly strip: number;
  readonly prefix: string;
  readonly origin: Origin;
}

/** A number, or a number with trailing Xs (`9441231XX`: prefix `9441231`, 2 any digits). */
export interface NumberPattern {
  readonly prefix: string;
  /** How many Xs: 0 for a plain number. */
  readonly digits: number;
}

/** `caller-id NUMBER [for EXTENSION] [private]` in a gateway block. */
export interface CallerIdRule {
  /** The number presented; its Xs are filled with the caller's last digits. */
  readonly number: NumberPattern;
  /** The callers (by extension) it applies to; undefined: every caller. */
  readonly extensions: NumberPattern | undefined;
  readonly private: boolean;
  readonly origin: Origin;
}

/** `did PATTERN to TARGET|EXTENSION-PATTERN`: a range of called numbers. */
export interface DidPattern {
  readonly pattern: NumberPattern;
  /** The phone or group every number of the range goes to; undefined when `extension` picks. */
  readonly target: string | undefined;
  /** `to 1XX`: the called number's last digits after this prefix make the extension. */
  readonly extension: NumberPattern | undefined;
  readonly origin: Origin;
}

export interface OutboundPolicy {
  readonly origin: Origin;
  readonly via: Setting<readonly string[]>;
  /** The text of the `via` list (first to last upstream name). */
  readonly viaSpan: Origin | undefined;
  readonly onTimeout: Setting<readonly SurvivalAction[]>;
  /** `all`, or the patterns that pass; other final replies are treated like timeouts. */
  readonly pass: Setting<'all' | readonly ReplyPattern[]>;
  readonly emergency: Setting<readonly string[]>;
  /** Gateway for emergency numbers (resolved default: survival gateway, else first gateway): the first of `emergencyGateways`. */
  readonly emergencyGateway: Setting<string | undefined>;
  /** The gateways emergency calls try in order (default: the survival list, else the first gateway). */
  readonly emergencyGateways: Setting<readonly string[]>;
  readonly rewrite: Setting<readonly RewriteRule[]>;
  /** When a call to a phone extension or group number of the branch stays in the branch. */
  readonly localCalls: Setting<LocalCallsMode>;
}

/** `survival`: in survival the edge rings the local target instead of a gateway; `always`: never upstream; `off`: like any number. */
export type LocalCallsMode = 'survival' | 'always' | 'off';

export interface RingStep {
  readonly target: string;
  readonly ringMs: number;
  readonly origin: Origin;
}

export interface InboundPolicy {
  readonly origin: Origin;
  readonly from: Setting<readonly string[]>;
  readonly chain: Setting<readonly RingStep[]>;
  readonly dids: readonly { readonly number: string; readonly target: string; readonly origin: Origin }[];
  /** Tried in written order after the exact dids. */
  readonly didPatterns: readonly DidPattern[];
  /** How a gateway's called number is normalised before any did is matched (`rewrite` in `inbound`). */
  readonly normalise: Setting<readonly RewriteRule[]>;
}

export interface Branch {
  readonly name: string;
  readonly uri: string;
  readonly origin: Origin;
  /** Profiles applied, nearest first. */
  readonly profiles: readonly string[];
  readonly listens: Setting<readonly Listen[]>;
  readonly lans: Setting<readonly Network[]>;
  readonly gateways: readonly Gateway[];
  readonly upstreams: readonly Upstream[];
  readonly timers: Timers;
  readonly phones: readonly Phone[];
  readonly groups: readonly Group[];
  readonly register: RegisterPolicy;
  readonly limits: Limits;
  /** `tls { ... }`, merged field by field through profiles; undefined when no block gives one. */
  readonly tls: TlsSettings | undefined;
  /** `router { ... }`; undefined when no block gives one. */
  readonly router: RouterSettings | undefined;
  readonly outbound: OutboundPolicy | undefined;
  readonly inbound: InboundPolicy | undefined;
}

export type ActorKind = 'upstream' | 'gateway' | 'phone';

export type ActorStateName =
  | 'up' | 'silent' | 'slow' | 'answers' | 'trying' | 'ignores-invite' | 'flapping' | 'busy'
  | 'full' | 'down' | 'no-answer' | 'unregistered' | 'ignores-redirect';

export interface ActorState {
  readonly actor: string;
  readonly actorKind: ActorKind;
  readonly state: ActorStateName;
  readonly code: number | undefined;
  readonly delayMs: number | undefined;
  readonly downForMs: number | undefined;
  readonly upForMs: number | undefined;
  readonly fromMs: number;
  readonly untilMs: number | undefined;
  readonly origin: Origin;
}

export type ScenarioEvent =
  | { readonly kind: 'call'; readonly caller: string; readonly callerKind: ActorKind; readonly target: string; readonly targetIsPhone: boolean; readonly atMs: number; readonly origin: Origin }
  | { readonly kind: 'register'; readonly phone: string; readonly atMs: number; readonly origin: Origin }
  | SendEvent;

/** The requests a `sends` line may send. */
export type SentMethod = 'INVITE' | 'REGISTER' | 'OPTIONS' | 'MESSAGE' | 'BYE';

/**
 * `stranger ADDRESS sends ...` (`source` is `stranger`) or `NAME sends ...` (an upstream or
 * gateway of the branch): one request to the edge, to test the trust model (docs/security.md).
 */
export interface SendEvent {
  readonly kind: 'send';
  readonly source: string;
  readonly sourceKind: 'stranger' | 'upstream' | 'gateway';
  /** Where it comes from: the stranger's address; for an upstream or gateway, its own. */
  readonly address: string;
  readonly method: SentMethod;
  readonly uri: string;
  /** The preloaded Route set (URIs), top first. */
  readonly route: readonly string[];
  /** An in-dialog request with a forged To-tag. */
  readonly toTag: boolean;
  readonly atMs: number;
  readonly origin: Origin;
}

export type Expectation =
  | {
    readonly kind: 'gets'; readonly actor: string; readonly code: number; readonly atMs: number | undefined;
    readonly withinMs: number | undefined; readonly contact: string | undefined; readonly reason: string | undefined;
    readonly origin: Origin;
  }
  | { readonly kind: 'answers'; readonly actor: string; readonly atMs: number | undefined; readonly origin: Origin }
  | { readonly kind: 'marked-down'; readonly actor: string; readonly atMs: number; readonly origin: Origin }
  /** No request that a `sends` line started reaches the actor. */
  | { readonly kind: 'receives-nothing'; readonly actor: string; readonly origin: Origin };

export interface Scenario {
  readonly title: string;
  readonly uri: string;
  readonly origin: Origin;
  readonly branch: string;
  readonly states: readonly ActorState[];
  readonly events: readonly ScenarioEvent[];
  readonly lossPercent: number;
  readonly seed: number;
  readonly expectations: readonly Expectation[];
}

export interface Model {
  /** Every branch of every analysed file, sorted by name. */
  readonly branches: readonly Branch[];
  /** Every scenario whose branch resolved, in file then source order. */
  readonly scenarios: readonly Scenario[];
}
