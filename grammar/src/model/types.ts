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
}

export interface Group {
  readonly name: string;
  readonly origin: Origin;
  readonly mode: Setting<'parallel' | 'serial'>;
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
  | { readonly kind: 'redirect'; readonly code: number; readonly gateway: string; readonly origin: Origin }
  | { readonly kind: 'relay'; readonly gateway: string; readonly origin: Origin };

/** A reply code (`404`) or class (`5xx`) that passes through. */
export type ReplyPattern = { readonly code: number } | { readonly class: number };

export interface RewriteRule {
  readonly match: string;
  readonly strip: number;
  readonly prefix: string;
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
  /** Gateway for emergency numbers (resolved default: survival gateway, else first gateway). */
  readonly emergencyGateway: Setting<string | undefined>;
  readonly rewrite: Setting<readonly RewriteRule[]>;
}

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
