// Replays a simulated switch against the platform through its own CTI API (in-process through
// Fastify's inject, or over HTTP), then reads the platform's figures for the simulated period from
// GET /api/v1/call-stats. The figures reported are the platform's; the simulator's own count and the
// Erlang-C prediction stand beside them for comparison.
import type { FastifyInstance } from 'fastify';
import type { CallStatsPage, CallStatsRow, CtiEvent, CtiIngestResult, ServiceLevelFigures } from '../domain/call-contract.ts';
import { MAX_PAGE_SIZE } from './paging.ts';
import type { Simulation, SimulationOptions } from './simulator.ts';
import { predictErlangC, type ErlangCPrediction } from '../domain/erlang-c.ts';
import { shanghaiDay } from '../domain/seat-states.ts';
import { formatShanghai } from '../domain/deadline.ts';

/** Where the events go and the figures come from. */
export interface PlatformClient {
  postEvents(events: CtiEvent[]): Promise<CtiIngestResult>;
  /** GET an /api/v1 path as a reader of the figures (team lead, centre, authority or admin). */
  getJson<T>(path: string): Promise<T>;
}

async function readJson<T>(status: number, body: string, what: string): Promise<T> {
  if (status < 200 || status >= 300) throw new Error(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  return JSON.parse(body) as T;
}

/** The app in this process: requests go through Fastify's whole stack without a socket. */
export function injectClient(app: FastifyInstance, ctiKey: string, readerToken: string): PlatformClient {
  return {
    async postEvents(events) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/cti/events', headers: { 'x-api-key': ctiKey }, payload: { events } });
      return readJson<CtiIngestResult>(res.statusCode, res.body, 'POST /cti/events');
    },
    async getJson(path) {
      const res = await app.inject({ method: 'GET', url: `/api/v1${path}`, headers: { authorization: `Bearer ${readerToken}` } });
      return readJson(res.statusCode, res.body, `GET ${path}`);
    },
  };
}

/** A platform over HTTP; `readerToken` null when only posting. */
export function httpClient(baseUrl: string, ctiKey: string, readerToken: string | null): PlatformClient {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async postEvents(events) {
      const res = await fetch(`${base}/api/v1/cti/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': ctiKey }, body: JSON.stringify({ events }) });
      return readJson<CtiIngestResult>(res.status, await res.text(), 'POST /cti/events');
    },
    async getJson(path) {
      if (!readerToken) throw new Error('reading the figures needs a login (--user/--password)');
      const res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${readerToken}` } });
      return readJson(res.status, await res.text(), `GET ${path}`);
    },
  };
}

/** Logs in over HTTP and returns the session token. */
export async function loginOverHttp(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  return (await readJson<{ token: string }>(res.status, await res.text(), 'POST /auth/login')).token;
}

export interface ReplayResult {
  events: number;
  accepted: number;
  duplicates: number;
  batches: number;
  seconds: number;
}

/** Posts the events in order, `batchSize` to a request, one request at a time (a switch's link is ordered). */
export async function replayEvents(client: PlatformClient, events: readonly CtiEvent[], batchSize = 500): Promise<ReplayResult> {
  const started = performance.now();
  let accepted = 0;
  let duplicates = 0;
  let batches = 0;
  for (let i = 0; i < events.length; i += batchSize) {
    const r = await client.postEvents(events.slice(i, i + batchSize));
    accepted += r.accepted;
    duplicates += r.duplicates;
    batches++;
  }
  return { events: events.length, accepted, duplicates, batches, seconds: (performance.now() - started) / 1000 };
}

/**
 * The platform's figures for [from, to): the half-hour rows of GET /call-stats inside the period,
 * added up. Counts add; ASA and AHT are weighted by answered calls; occupancy is the mean of the
 * rows, exact when every seat is logged on throughout (as in the simulation).
 */
export async function platformFigures(client: PlatformClient, period: { from: string; to: string }): Promise<ServiceLevelFigures> {
  const fromDay = shanghaiDay(period.from);
  const toDay = shanghaiDay(new Date(Date.parse(period.to) - 1).toISOString());
  const rows: CallStatsRow[] = [];
  for (let page = 1; ; page += 1) {
    const got = await client.getJson<CallStatsPage>(`/call-stats?from=${fromDay}&to=${toDay}&interval=30m&page=${page}&pageSize=${MAX_PAGE_SIZE}`);
    rows.push(...got.items);
    if (!got.items.length || rows.length >= got.total) break;
  }
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  return sumRows(rows.filter((r) => Date.parse(r.from) >= from && Date.parse(r.to) <= to));
}

export function sumRows(rows: readonly CallStatsRow[]): ServiceLevelFigures {
  const sum = (pick: (r: CallStatsRow) => number) => rows.reduce((s, r) => s + pick(r), 0);
  const offered = sum((r) => r.offered);
  const answered = sum((r) => r.answered);
  const answeredWithin15s = sum((r) => r.answeredWithin15s);
  const abandoned = sum((r) => r.abandoned);
  const shortAbandoned = sum((r) => r.shortAbandoned);
  const connected = answered + abandoned;
  const weighted = (pick: (r: CallStatsRow) => number | null) => (answered ? sum((r) => (pick(r) ?? 0) * r.answered) / answered : null);
  const occupancies = rows.map((r) => r.occupancy).filter((o): o is number => o !== null);
  return {
    offered,
    answered,
    answeredWithin15s,
    abandoned,
    shortAbandoned,
    serviceLevel15s: connected ? answeredWithin15s / connected : null,
    abandonRate: connected ? abandoned / connected : null,
    connectRate: connected ? answered / connected : null,
    asaSeconds: weighted((r) => r.asaSeconds),
    ahtSeconds: weighted((r) => r.ahtSeconds),
    occupancy: occupancies.length ? occupancies.reduce((a, b) => a + b, 0) / occupancies.length : null,
  };
}

/** What `hotline simulate-calls --json` prints: the platform's figures first, then the comparisons. */
export interface SimulationReport extends ServiceLevelFigures {
  load: { callsPerHour: number; agents: number; handleSeconds: number; hours: number; seed: number; patienceSeconds: number | null; realistic: boolean; trafficErlangs: number };
  period: { from: string; to: string };
  /** Where the figures above come from: the platform's /call-stats, or the simulator when they could not be read. */
  source: 'platform' | 'simulator';
  simulator: ServiceLevelFigures;
  erlangC: { serviceLevel15s: number; asaSeconds: number | null; probabilityOfWait: number; occupancy: number };
  replay: ReplayResult & { eventsPerSecond: number };
}

export function simulationReport(options: SimulationOptions, sim: Simulation, platform: ServiceLevelFigures | null, replay: ReplayResult, targetSeconds = 15): SimulationReport {
  const prediction: ErlangCPrediction = predictErlangC({ callsPerHour: options.callsPerHour, handleSeconds: options.handleSeconds, agents: options.agents }, targetSeconds);
  const figures = platform ?? sim.figures;
  return {
    load: {
      callsPerHour: options.callsPerHour,
      agents: options.agents,
      handleSeconds: options.handleSeconds,
      hours: options.hours,
      seed: options.seed,
      patienceSeconds: options.patienceSeconds ?? null,
      realistic: !!options.realistic,
      trafficErlangs: prediction.trafficErlangs,
    },
    period: { from: formatShanghai(sim.period.from), to: formatShanghai(sim.period.to) },
    ...figures,
    source: platform ? 'platform' : 'simulator',
    simulator: sim.figures,
    erlangC: {
      serviceLevel15s: prediction.serviceLevel,
      asaSeconds: Number.isFinite(prediction.asaSeconds) ? prediction.asaSeconds : null,
      probabilityOfWait: prediction.probabilityOfWait,
      occupancy: prediction.occupancy,
    },
    replay: { ...replay, eventsPerSecond: replay.seconds > 0 ? Math.round(replay.events / replay.seconds) : 0 },
  };
}
