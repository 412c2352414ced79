// Erlang C: the M/M/N queue (Poisson arrivals, exponential handle times, N agents, callers who wait
// as long as it takes) in steady state. It predicts what the simulator and the service-level figures
// measure, and how many seats a forecast load needs.
//
//   A = λ · S                         traffic in Erlangs (λ calls per second, S mean handle seconds)
//   B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1))        Erlang B, by recursion (no factorials, no overflow)
//   C = N·B(N) / (N − A·(1 − B(N)))   probability that a caller waits (A < N)
//   SL(t) = 1 − C · e^(−(N − A)·t / S)                share answered within t seconds
//   ASA = C · S / (N − A)             mean wait of all callers
//   occupancy = A / N
// With A ≥ N the queue grows without bound: every caller waits (C = 1), SL = 0, ASA = ∞.

export interface ErlangCLoad {
  callsPerHour: number;
  /** Mean handle time (talk + after-call work) in seconds. */
  handleSeconds: number;
  agents: number;
}

export interface ErlangCPrediction {
  trafficErlangs: number;
  probabilityOfWait: number;
  /** Share of callers answered within `targetSeconds`. */
  serviceLevel: number;
  targetSeconds: number;
  /** Mean wait over all callers, seconds; Infinity when the load exceeds the agents. */
  asaSeconds: number;
  /** A / N, at most 1. */
  occupancy: number;
}

function requireFinite(name: string, value: number, min: number): void {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a finite number ≥ ${min}, got ${value}`);
}

function requireAgents(agents: number): void {
  if (!Number.isInteger(agents) || agents < 0) throw new RangeError(`agents must be a whole number ≥ 0, got ${agents}`);
}

/** Erlang B: the blocking probability of `agents` servers offered `traffic` Erlangs with no queue. */
export function erlangB(traffic: number, agents: number): number {
  requireFinite('traffic', traffic, 0);
  requireAgents(agents);
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

/** Erlang C: the probability that a caller has to wait; 1 when traffic ≥ agents (unstable). */
export function erlangC(traffic: number, agents: number): number {
  const b = erlangB(traffic, agents);
  if (traffic >= agents) return 1;
  return (agents * b) / (agents - traffic * (1 - b));
}

/** Traffic intensity in Erlangs of a call rate and mean handle time. */
export function trafficOf(callsPerHour: number, handleSeconds: number): number {
  requireFinite('callsPerHour', callsPerHour, 0);
  requireFinite('handleSeconds', handleSeconds, 0);
  return (callsPerHour / 3600) * handleSeconds;
}

/** Share answered within `targetSeconds`: 0 when traffic ≥ agents. */
export function serviceLevelWithin(traffic: number, agents: number, handleSeconds: number, targetSeconds: number): number {
  requireFinite('targetSeconds', targetSeconds, 0);
  const c = erlangC(traffic, agents);
  if (traffic >= agents) return 0;
  if (handleSeconds === 0) return 1;
  return 1 - c * Math.exp((-(agents - traffic) * targetSeconds) / handleSeconds);
}

/** Mean wait over all callers in seconds: Infinity when traffic ≥ agents. */
export function averageSpeedOfAnswer(traffic: number, agents: number, handleSeconds: number): number {
  const c = erlangC(traffic, agents);
  if (traffic >= agents) return Infinity;
  return (c * handleSeconds) / (agents - traffic);
}

export function predictErlangC(load: ErlangCLoad, targetSeconds = 15): ErlangCPrediction {
  const traffic = trafficOf(load.callsPerHour, load.handleSeconds);
  requireAgents(load.agents);
  return {
    trafficErlangs: traffic,
    probabilityOfWait: erlangC(traffic, load.agents),
    serviceLevel: serviceLevelWithin(traffic, load.agents, load.handleSeconds, targetSeconds),
    targetSeconds,
    asaSeconds: averageSpeedOfAnswer(traffic, load.agents, load.handleSeconds),
    occupancy: load.agents > 0 ? Math.min(1, traffic / load.agents) : 1,
  };
}

/** The fewest agents whose predicted service level within `targetSeconds` reaches `target` (0–1). */
export function agentsForServiceLevel(callsPerHour: number, handleSeconds: number, target: number, targetSeconds = 15): number {
  if (!(target >= 0 && target < 1)) throw new RangeError(`target must be in [0, 1), got ${target}`);
  const traffic = trafficOf(callsPerHour, handleSeconds);
  let agents = Math.max(1, Math.floor(traffic) + 1);
  while (serviceLevelWithin(traffic, agents, handleSeconds, targetSeconds) < target) agents++;
  return agents;
}
