import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, startTestApp, type TestApp } from '../../test/support/app.ts';
import { relayOnce } from './relay.ts';
import { renderSms, type SmsGateway } from './sms-gateway.ts';
import type { SmsMessage } from './outbox.ts';

class RecordingGateway implements SmsGateway {
  sent: SmsMessage[] = [];
  failing = false;
  async send(message: SmsMessage): Promise<void> {
    if (this.failing) throw new Error('gateway down');
    this.sent.push(message);
  }
}

describeEachEngine('outbox relay', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('delivers the dispatch SMS once, after a failure, with backoff', async () => {
    const agent = await t.as('agent1');
    const created = await agent.post('/api/v1/tickets', intakeBody({ requester: { name: '王五', phone: '13700000001' }, dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['DAQ'] } }));
    assert.equal(created.status, 201);
    const gateway = new RecordingGateway();

    gateway.failing = true;
    const failed = await relayOnce(t.ctx, gateway);
    assert.equal(failed.failed, 2, 'lead and co-handling unit each have one message');
    const pending = await t.ctx.store.db.selectFrom('outbox').selectAll().where('delivered_at', 'is', null).execute();
    assert.ok(pending.every((m) => m.attempts === 1 && m.last_error === 'gateway down'));
    assert.ok(pending.every((m) => Date.parse(m.available_at) > Date.parse(t.clock.now())), 'retried later, not at once');

    gateway.failing = false;
    assert.equal((await relayOnce(t.ctx, gateway)).delivered, 0, 'nothing is due before the backoff ends');
    t.clock.advance(60_000);
    assert.equal((await relayOnce(t.ctx, gateway)).delivered, 2);
    assert.equal((await relayOnce(t.ctx, gateway)).delivered, 0, 'a delivered message is not sent again');

    const zjj = t.ctx.org.byCodeOrUndefined('ZJJ')!;
    const toZjj = gateway.sent.find((m) => m.to === zjj.smsPhone)!;
    assert.equal(toZjj.template, 'dispatch_notice');
    assert.match(renderSms(toZjj), new RegExp(created.body.no));
    assert.ok(!JSON.stringify(gateway.sent).includes('13700000001'), 'no requester number goes to a unit');
  });
});
