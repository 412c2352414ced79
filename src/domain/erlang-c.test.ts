// Erlang C against independent formulas: the factorial-sum definition in exact rational arithmetic
// (BigInt), the closed forms of one and two agents, and the unstable and degenerate loads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentsForServiceLevel, averageSpeedOfAnswer, erlangB, erlangC, predictErlangC, serviceLevelWithin, trafficOf } from './erlang-c.ts';

/**
 * Erlang C by its textbook definition, exactly, for whole-number traffic A < N:
 *   C = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))
 * Every term is multiplied by N!·(N−A) so that all are integers; the one division is at the end.
 */
function erlangCExact(a: number, n: number): number {
  const A = BigInt(a);
  const N = BigInt(n);
  const fact = (k: bigint): bigint => (k <= 1n ? 1n : k * fact(k - 1n));
  const nFact = fact(N);
  const top = A ** N * N; // A^N/N! · N/(N−A) · N!(N−A)
  let sum = 0n;
  for (let k = 0n; k < N; k++) sum += (A ** k * nFact * (N - A)) / fact(k); // exact: k! divides N!
  const scale = 10n ** 15n;
  return Number((top * scale) / (sum + top)) / Number(scale);
}

/** Erlang B by its definition, exactly: (A^N/N!) / Σ_{k≤N} A^k/k!. */
function erlangBExact(a: number, n: number): number {
  const A = BigInt(a);
  const N = BigInt(n);
  const fact = (k: bigint): bigint => (k <= 1n ? 1n : k * fact(k - 1n));
  const nFact = fact(N);
  let sum = 0n;
  for (let k = 0n; k <= N; k++) sum += (A ** k * nFact) / fact(k);
  const scale = 10n ** 15n;
  return Number((A ** N * scale) / sum) / Number(scale);
}

const close = (actual: number, expected: number, tolerance = 1e-12) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≠ ${expected}`);

describe('Erlang B', () => {
  it('one agent, one Erlang: half the calls blocked', () => assert.equal(erlangB(1, 1), 0.5));
  it('no agents: everything blocked', () => assert.equal(erlangB(3, 0), 1));
  for (const [a, n] of [[10, 10], [5, 8], [30, 35], [37, 40]]) {
    it(`A=${a}, N=${n} equals the factorial definition`, () => close(erlangB(a, n), erlangBExact(a, n)));
  }
  it('A=10, N=10: 0.2146 as in the Erlang B tables', () => assert.equal(Math.round(erlangB(10, 10) * 1e4) / 1e4, 0.2146));
});

describe('Erlang C', () => {
  // 100 calls in 30 minutes (200 an hour) of 180 s: 10 Erlangs, the usual worked example of the
  // staffing literature; the probabilities here come from the exact definition above.
  for (const n of [11, 12, 13, 14, 15, 20]) {
    it(`A=10, N=${n} equals the factorial definition`, () => close(erlangC(10, n), erlangCExact(10, n)));
  }
  for (const [a, n] of [[37, 40], [90, 100], [1, 2]]) {
    it(`A=${a}, N=${n} equals the factorial definition`, () => close(erlangC(a, n), erlangCExact(a, n)));
  }
  it('is numerically stable far beyond factorials: A=950, N=1000 stays in (0, 1)', () => {
    const c = erlangC(950, 1000);
    assert.ok(c > 0 && c < 1 && Number.isFinite(c), String(c));
  });

  // One agent (M/M/1): C = ρ, SL(t) = 1 − ρ·e^{−(1−ρ)t/S}, ASA = ρS/(1−ρ).
  it('one agent: the M/M/1 closed forms', () => {
    const rho = 0.75;
    const S = 120;
    close(erlangC(rho, 1), rho);
    close(serviceLevelWithin(rho, 1, S, 15), 1 - rho * Math.exp((-(1 - rho) * 15) / S));
    close(averageSpeedOfAnswer(rho, 1, S), (rho * S) / (1 - rho));
  });
  // Two agents (M/M/2), ρ = A/2: C = 2ρ² / (1 + ρ).
  it('two agents: C = 2ρ²/(1+ρ)', () => {
    for (const a of [0.4, 1, 1.6, 1.99]) {
      const rho = a / 2;
      close(erlangC(a, 2), (2 * rho * rho) / (1 + rho), 1e-12);
    }
  });
});

describe('predictErlangC', () => {
  it('the busy hour of the simulation test: 1,500 calls/h × 90 s = 37.5 Erlangs on 40 agents', () => {
    const p = predictErlangC({ callsPerHour: 1500, handleSeconds: 90, agents: 40 }, 15);
    assert.equal(p.trafficErlangs, 37.5);
    assert.equal(p.occupancy, 37.5 / 40);
    const c = erlangC(37.5, 40);
    close(p.probabilityOfWait, c);
    close(p.serviceLevel, 1 - c * Math.exp((-(40 - 37.5) * 15) / 90));
    close(p.asaSeconds, (c * 90) / (40 - 37.5));
    // By the value: C ≈ 0.593, SL ≈ 0.609, ASA ≈ 21.3 s.
    assert.deepEqual([p.probabilityOfWait, p.serviceLevel, p.asaSeconds].map((x) => Math.round(x * 1000) / 1000), [0.593, 0.609, 21.348]);
  });
  it('more agents, better service: SL rises and ASA falls with each agent', () => {
    let last = predictErlangC({ callsPerHour: 200, handleSeconds: 180, agents: 11 }, 20);
    for (let n = 12; n <= 20; n++) {
      const p = predictErlangC({ callsPerHour: 200, handleSeconds: 180, agents: n }, 20);
      assert.ok(p.serviceLevel > last.serviceLevel && p.asaSeconds < last.asaSeconds, `N=${n}`);
      last = p;
    }
  });
  it('agents ≤ traffic: everyone waits, SL 0, ASA infinite', () => {
    for (const agents of [30, 37]) {
      const p = predictErlangC({ callsPerHour: 1500, handleSeconds: 90, agents });
      assert.deepEqual([p.probabilityOfWait, p.serviceLevel, p.asaSeconds, p.occupancy], [1, 0, Infinity, 1]);
    }
    assert.equal(erlangC(5, 5), 1);
  });
  it('no calls: nobody waits', () => {
    const p = predictErlangC({ callsPerHour: 0, handleSeconds: 90, agents: 3 });
    assert.deepEqual([p.probabilityOfWait, p.serviceLevel, p.asaSeconds], [0, 1, 0]);
  });
  it('refuses nonsense: negative rates, fractional or negative agents, NaN', () => {
    assert.throws(() => trafficOf(-1, 90), RangeError);
    assert.throws(() => trafficOf(100, Number.NaN), RangeError);
    assert.throws(() => predictErlangC({ callsPerHour: 100, handleSeconds: 90, agents: 2.5 }), RangeError);
    assert.throws(() => erlangC(1, -1), RangeError);
    assert.throws(() => serviceLevelWithin(1, 2, 90, -5), RangeError);
  });
});

describe('agentsForServiceLevel', () => {
  it('the fewest agents reaching the target: one fewer falls short', () => {
    const n = agentsForServiceLevel(1500, 90, 0.8, 15);
    const a = trafficOf(1500, 90);
    assert.ok(serviceLevelWithin(a, n, 90, 15) >= 0.8);
    assert.ok(serviceLevelWithin(a, n - 1, 90, 15) < 0.8);
  });
});
