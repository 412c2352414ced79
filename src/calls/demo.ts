// Call handling in the demo: a demo switch, the two demo agents' skills, and three mornings of calls
// before today (simulated, then ingested as a switch would send them), so the call list, the
// figures and the 漏接回拨 queue have something to show.
import type { AppContext } from '../server/context.ts';
import { SYSTEM_ACTOR } from '../domain/actor.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { shanghaiDay } from '../domain/seat-states.ts';
import { simulateCalls } from './simulator.ts';
import { ingestEvents } from './ingest.ts';
import type { CtiEventIn } from './cti-events.ts';

export const DEMO_SWITCH = '演示交换机';
const DEMO_AGENTS = ['agent1', 'agent2'];
const DEMO_SKILLS: Record<string, string[]> = { agent1: ['general', 'enterprise'], agent2: ['general', 'dialect'] };

/** Loads the call demo once (a demo switch key marks it done); returns the calls ingested. */
export async function loadCallsDemo(ctx: AppContext, realNowMs: number): Promise<number> {
  const db = ctx.store.db;
  if (await db.selectFrom('api_keys').select('id').where('name', '=', DEMO_SWITCH).executeTakeFirst()) return 0;
  const agents = await db.selectFrom('users').select('username').where('username', 'in', DEMO_AGENTS).execute();
  if (agents.length !== DEMO_AGENTS.length) return 0;
  const { info } = await createApiKey(ctx, SYSTEM_ACTOR, { name: DEMO_SWITCH, scopes: ['cti:events'], ratePerMinute: 6000 });
  const now = new Date(realNowMs).toISOString();
  // Logged off from before the first simulated morning, so its seat changes are not older than the seat.
  const since = new Date(Date.parse(`${shanghaiDay(new Date(realNowMs - 3 * 86_400_000).toISOString())}T00:00:00+08:00`)).toISOString();
  for (const agent of DEMO_AGENTS) {
    await db
      .insertInto('seats')
      .values({ agent, state: 'logged_off', reason: null, since, call_id: null, message_id: null, wrap_up_until: null, skills: JSON.stringify(DEMO_SKILLS[agent]), updated_at: now })
      .onConflict((oc) => oc.column('agent').doUpdateSet({ skills: JSON.stringify(DEMO_SKILLS[agent]) }))
      .execute();
  }
  let calls = 0;
  for (let daysAgo = 3; daysAgo >= 1; daysAgo--) {
    const day = shanghaiDay(new Date(realNowMs - daysAgo * 86_400_000).toISOString());
    // Two agents, ~1.6 Erlang of traffic and impatient callers: some waits, a few lost calls.
    const sim = simulateCalls({
      callsPerHour: 24,
      agents: DEMO_AGENTS.length,
      handleSeconds: 240,
      hours: 3,
      seed: 100 + daysAgo,
      start: `${day}T09:00:00+08:00`,
      agentNames: DEMO_AGENTS,
      callIdPrefix: `demo-${day}`,
      patienceSeconds: 180,
      realistic: true,
      wrapUpLimitSeconds: ctx.city.calls.wrapUpSeconds,
      warmupSeconds: 0,
    });
    const events = sim.events.map((e) => ({ ...e, at: new Date(Date.parse(e.at)).toISOString() })) as CtiEventIn[];
    // The shift ends: both seats log off at 13:00.
    for (const [n, agent] of DEMO_AGENTS.entries()) {
      events.push({ callId: `demo-${day}-off-${n}`, seq: 1, type: 'agent_state', at: new Date(Date.parse(`${day}T13:00:00+08:00`)).toISOString(), agent, state: 'logged_off' });
    }
    for (let i = 0; i < events.length; i += 500) await ingestEvents(ctx, info.id, events.slice(i, i + 500));
    calls += sim.records.length;
  }
  return calls;
}
