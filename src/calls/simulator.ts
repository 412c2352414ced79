// A discrete-event simulation of the switch: N agents behind one FIFO queue, Poisson arrivals,
// exponential handle times (or lognormal talk plus after-call work when `realistic`), callers who wait
// for ever unless a patience is given. It writes what a real switch would send (CtiEvent, in time
// order, with simulated `at` times), so an hour of traffic is produced in milliseconds and replayed
// against the platform as fast as it ingests. Seeded: the same options give the same events.
//
// The measured period is [start, start + hours); arrivals begin `warmupSeconds` earlier so that the
// period starts with a queue in its steady state, as Erlang C assumes, and the switch keeps serving
// after the period until every call offered in it is answered or abandoned.
import type { CallRecord, CtiEvent, SeatInterval, SeatState, ServiceLevelFigures } from '../domain/call-contract.ts';
import { figuresFor, SERVICE_LEVEL_RULES, type ServiceLevelRules } from '../domain/service-levels.ts';

export interface SimulationOptions {
  callsPerHour: number;
  agents: number;
  /** Mean handle time (talk + after-call work) in seconds. */
  handleSeconds: number;
  hours: number;
  seed: number;
  /** Mean patience (exponential): a caller still waiting after it hangs up. Unset: callers never hang up. */
  patienceSeconds?: number;
  /** Lognormal talk (75 % of the handle time) and after-call work (25 %, at most wrapUpLimitSeconds). */
  realistic?: boolean;
  /** Start of the measured period; 2026-03-02 09:00 in Shanghai by default. */
  start?: string;
  warmupSeconds?: number;
  queue?: string;
  trunk?: string;
  /** The seats' usernames; sim01, sim02, … by default. */
  agentNames?: string[];
  /** Prefix of every callId, so that several runs against one platform do not collide. */
  callIdPrefix?: string;
  /** After-call work longer than this ends by itself on the platform (the city's wrapUpSeconds). */
  wrapUpLimitSeconds?: number;
}

export interface Simulation {
  events: CtiEvent[];
  /** The measured period, UTC ISO instants. */
  period: { from: string; to: string };
  agentNames: string[];
  /** The switch's own truth, as the figures see it: every call and every seat stretch. */
  records: CallRecord[];
  seats: SeatInterval[];
  /** The figures of the measured period computed from that truth (the simulator's own count). */
  figures: ServiceLevelFigures;
}

export const DEFAULT_SIMULATION_START = '2026-03-02T09:00:00+08:00';
export const DEFAULT_WARMUP_SECONDS = 1800;

/** mulberry32: a small, fast 32-bit generator; plenty for queueing simulation, and reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Independent streams per purpose: patience on or off does not change the arrivals or handle times. */
function stream(seed: number, purpose: number): () => number {
  const mixed = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(purpose + 1, 0xc2b2ae35);
  const next = mulberry32(mixed);
  for (let i = 0; i < 4; i++) next(); // leave the correlated first outputs of near seeds behind
  return next;
}

const exponential = (u: () => number, mean: number) => -Math.log(1 - u()) * mean;

function lognormal(u: () => number, mean: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * z);
}

/** A binary min-heap of timed happenings; ties keep their order of scheduling. */
class Agenda<T> {
  private items: Array<{ t: number; n: number; what: T }> = [];
  private counter = 0;
  get size(): number {
    return this.items.length;
  }
  push(t: number, what: T): void {
    const items = this.items;
    items.push({ t, n: this.counter++, what });
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.before(items[p], items[i])) break;
      [items[p], items[i]] = [items[i], items[p]];
      i = p;
    }
  }
  pop(): { t: number; what: T } {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.before(items[l], items[m])) m = l;
        if (r < items.length && this.before(items[r], items[m])) m = r;
        if (m === i) break;
        [items[m], items[i]] = [items[i], items[m]];
        i = m;
      }
    }
    return top;
  }
  private before(a: { t: number; n: number }, b: { t: number; n: number }): boolean {
    return a.t < b.t || (a.t === b.t && a.n < b.n);
  }
}

type Happening = { kind: 'arrival' } | { kind: 'abandon'; call: number } | { kind: 'talkEnd'; call: number; agent: number } | { kind: 'wrapEnd'; agent: number };

interface SimCall {
  n: number;
  offeredMs: number;
  answeredMs: number | null;
  abandonedMs: number | null;
  endedMs: number | null;
  agent: number | null;
  talkMs: number;
  wrapMs: number;
}

export function validateSimulation(o: SimulationOptions): string | null {
  if (!(o.callsPerHour > 0) || !Number.isFinite(o.callsPerHour)) return '--calls-per-hour 须为正数';
  if (!Number.isInteger(o.agents) || o.agents < 1 || o.agents > 5000) return '--agents 须为 1–5000 的整数';
  if (!(o.handleSeconds > 0) || !Number.isFinite(o.handleSeconds)) return '--handle-seconds 须为正数';
  if (!(o.hours > 0) || o.hours > 168) return '--hours 须为不超过 168 的正数';
  if (!Number.isInteger(o.seed)) return '--seed 须为整数';
  if (o.patienceSeconds !== undefined && !(o.patienceSeconds > 0)) return '--patience-seconds 须为正数';
  if (o.start !== undefined && Number.isNaN(Date.parse(o.start))) return '--start 须为带时区的时刻';
  return null;
}

/** Runs the switch and returns its event stream, its truth, and the figures of the measured period. */
export function simulateCalls(options: SimulationOptions, rules: ServiceLevelRules = SERVICE_LEVEL_RULES): Simulation {
  const problem = validateSimulation(options);
  if (problem) throw new RangeError(problem);
  const { callsPerHour, agents, handleSeconds, hours, seed } = options;
  const queue = options.queue ?? 'general';
  const trunk = options.trunk ?? '12345';
  const prefix = options.callIdPrefix ?? `sim${seed}`;
  const names = options.agentNames ?? Array.from({ length: agents }, (_, i) => `sim${String(i + 1).padStart(2, '0')}`);
  if (names.length !== agents) throw new RangeError('agentNames must name every agent');
  const wrapLimitMs = (options.wrapUpLimitSeconds ?? 60) * 1000;
  const periodFrom = Date.parse(options.start ?? DEFAULT_SIMULATION_START);
  const periodTo = periodFrom + hours * 3_600_000;
  const warmupMs = (options.warmupSeconds ?? DEFAULT_WARMUP_SECONDS) * 1000;
  const firstMs = periodFrom - warmupMs;

  const arrivalU = stream(seed, 1);
  const handleU = stream(seed, 2);
  const patienceU = stream(seed, 3);
  const callerU = stream(seed, 4);
  const meanGapMs = 3_600_000 / callsPerHour;

  const events: CtiEvent[] = [];
  const calls: SimCall[] = [];
  const seats: SeatInterval[] = [];
  const seatState: Array<{ state: SeatState; since: number; changes: number }> = names.map(() => ({ state: 'logged_off', since: firstMs, changes: 0 }));
  const iso = (ms: number) => new Date(Math.round(ms)).toISOString();
  const callId = (n: number) => `${prefix}-${n}`;

  /** A seat change: the switch's agent_state event when `report`, and the stretch for the truth. */
  const setSeat = (agent: number, state: SeatState, t: number, report: boolean) => {
    const s = seatState[agent];
    if (s.state !== 'logged_off' && t > s.since) seats.push({ agent: names[agent], state: s.state, from: iso(s.since), to: iso(t) });
    if (report) events.push({ callId: `${prefix}-a${agent + 1}-${++s.changes}`, seq: 1, type: 'agent_state', at: iso(t), agent: names[agent], state });
    seatState[agent] = { state, since: t, changes: s.changes };
  };

  const agenda = new Agenda<Happening>();
  const free: number[] = []; // longest idle first
  let freeHead = 0;
  const waiting: number[] = [];
  let waitingHead = 0;

  const connect = (c: SimCall, agent: number, t: number) => {
    c.answeredMs = t;
    c.agent = agent;
    events.push({ callId: callId(c.n), seq: 3, type: 'ringing', at: iso(t), agent: names[agent] });
    events.push({ callId: callId(c.n), seq: 4, type: 'answered', at: iso(t), agent: names[agent] });
    setSeat(agent, 'busy', t, false); // the platform makes the seat busy from the answer
    agenda.push(t + c.talkMs, { kind: 'talkEnd', call: c.n, agent });
  };
  const agentFree = (agent: number, t: number) => {
    setSeat(agent, 'ready', t, true);
    while (waitingHead < waiting.length) {
      const c = calls[waiting[waitingHead++]];
      if (c.abandonedMs === null) return connect(c, agent, t);
    }
    free.push(agent);
  };

  for (let a = 0; a < agents; a++) agentFree(a, firstMs);
  agenda.push(firstMs + exponential(arrivalU, meanGapMs), { kind: 'arrival' });

  let now = firstMs;
  while (agenda.size) {
    const { t, what } = agenda.pop();
    now = t;
    if (what.kind === 'arrival') {
      if (t >= periodTo) continue; // no arrivals after the period: the switch drains its queue
      agenda.push(t + exponential(arrivalU, meanGapMs), { kind: 'arrival' });
      const handleMs = exponential(handleU, handleSeconds * 1000);
      let talkMs = handleMs;
      let wrapMs = 0;
      if (options.realistic) {
        talkMs = lognormal(handleU, handleSeconds * 750, 0.8);
        wrapMs = Math.min(wrapLimitMs, lognormal(handleU, handleSeconds * 250, 0.5));
      }
      const c: SimCall = { n: calls.length + 1, offeredMs: t, answeredMs: null, abandonedMs: null, endedMs: null, agent: null, talkMs, wrapMs };
      calls.push(c);
      const caller = `13${String(Math.floor(callerU() * 1e9)).padStart(9, '0')}`;
      events.push({ callId: callId(c.n), seq: 1, type: 'offered', at: iso(t), caller, trunk, queue });
      events.push({ callId: callId(c.n), seq: 2, type: 'queued', at: iso(t), queue });
      if (freeHead < free.length) connect(c, free[freeHead++], t);
      else {
        waiting.push(c.n - 1);
        if (options.patienceSeconds !== undefined) agenda.push(t + exponential(patienceU, options.patienceSeconds * 1000), { kind: 'abandon', call: c.n });
      }
      if (freeHead > 1024 && freeHead * 2 > free.length) {
        free.splice(0, freeHead); // drop the taken head now and then, so the list stays short
        freeHead = 0;
      }
    } else if (what.kind === 'abandon') {
      const c = calls[what.call - 1];
      if (c.answeredMs !== null) continue;
      c.abandonedMs = t;
      events.push({ callId: callId(c.n), seq: 3, type: 'abandoned', at: iso(t) });
    } else if (what.kind === 'talkEnd') {
      const c = calls[what.call - 1];
      c.endedMs = t;
      events.push({ callId: callId(c.n), seq: 5, type: 'ended', at: iso(t), agent: names[what.agent] });
      // The platform puts the seat into after-call work at the end of the call; the switch reports
      // when the agent is ready again (at once when there is no after-call work).
      setSeat(what.agent, 'wrap_up', t, false);
      if (c.wrapMs > 0) agenda.push(t + c.wrapMs, { kind: 'wrapEnd', agent: what.agent });
      else agentFree(what.agent, t);
    } else {
      agentFree(what.agent, t);
    }
  }
  const closeAt = Math.max(now, periodTo);
  for (let a = 0; a < agents; a++) setSeat(a, 'logged_off', closeAt, true);

  const records: CallRecord[] = calls.map((c) => ({
    id: c.n,
    queue,
    agent: c.agent === null ? null : names[c.agent],
    offeredAt: iso(c.offeredMs),
    answeredAt: c.answeredMs === null ? null : iso(c.answeredMs),
    abandonedAt: c.abandonedMs === null ? null : iso(c.abandonedMs),
    endedAt: c.endedMs === null ? (c.abandonedMs === null ? null : iso(c.abandonedMs)) : iso(c.endedMs),
    wrapUpSeconds: c.answeredMs === null ? null : Math.round(c.wrapMs) / 1000,
    restricted: false,
  }));
  const period = { from: iso(periodFrom), to: iso(periodTo) };
  return { events, period, agentNames: names, records, seats, figures: figuresFor(records, seats, period, rules) };
}
