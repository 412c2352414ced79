// Refused ticket actions are in the audit log with outcome `failure` (who, which action, on which
// number, why), change nothing else, and stay out of the ticket's timeline; bad input is not audited.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, startTestApp, tableCounts, type TestApp } from '../../test/support/app.ts';
import { verifyChain } from './chain.ts';

describeEachEngine('refused ticket actions in the audit log', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(async () => t?.close());

  const refusals = async () =>
    (await t.ctx.store.db.selectFrom('events').select(['role', 'detail', 'ticket_id']).where('action', '=', 'ticket_action').where('outcome', '=', 'failure').orderBy('id').execute()).map((e) => ({
      role: e.role,
      ticketId: e.ticket_id,
      ...JSON.parse(e.detail!),
    }));

  it('audits a refusal for role, state, units and an unknown number, and nothing for bad input', async () => {
    const agent = await t.as('agent1');
    const made = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '周九', phone: '13600000019' }, categoryCode: 'ZFWY-WY' }));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const no = made.body.no as string;
    const before = await tableCounts(t.ctx);
    const auditedBefore = (await refusals()).length;

    const cases: Array<[string, string, string, unknown, number]> = [
      // [user, number, action, body, expected status]
      ['zjj.staff', no, 'archive', {}, 403], // the centre's action, not a unit's
      ['rdgs.staff', no, 'sign', {}, 404], // another unit's ticket: it does not exist for them
      ['centre1', no, 'sign', {}, 403], // signing is the unit's
      ['agent1', 'MDJ20990101000001', 'sign', {}, 404],
    ];
    for (const [user, n, action, body, status] of cases) {
      const res = await (await t.as(user)).act(n, action, body);
      assert.equal(res.status, status, `${user} ${action}: ${JSON.stringify(res.body)}`);
    }
    // Bad input is answered 400 and is not an attempt on the ticket.
    const bad = await (await t.as('zjj.staff')).act(no, 'sign', { unknownField: 1 });
    assert.equal(bad.status, 400);

    const audited = (await refusals()).slice(auditedBefore);
    assert.deepEqual(
      audited.map((e) => [e.role, e.no, e.action, e.status]),
      cases.map(([user, n, action, , status]) => [user === 'agent1' ? 'agent' : user === 'centre1' ? 'centre' : 'unit_staff', n, action, status]),
    );
    assert.ok(audited.every((e) => e.ticketId == null && typeof e.reason === 'string'));
    // Nothing but the failure events was written, and the timeline does not show them.
    assert.deepEqual(await tableCounts(t.ctx), before);
    const timeline = await agent.get(`/api/v1/tickets/${no}/events`);
    assert.ok(timeline.body.items.every((e: any) => e.action !== 'ticket_action'));
    assert.equal((await verifyChain(t.ctx.store.db)).ok, true);
  });
});
