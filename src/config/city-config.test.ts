// A city's rule values have one source, its config: a changed sign limit reaches the deadline, the
// SMS text, the demo knowledge article and the time-limit page; and a second city boots with its own
// units and limits.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { duty, newTicket, outbox, setClock, shown } from '../../test/support/handling.ts';
import { defineCity } from './city.ts';
import { mudanjiang } from './cities/mudanjiang.ts';
import { qinghe } from './cities/qinghe.ts';
import { cityNamed, CityConfigError } from './cities/index.ts';
import { limitsTable } from './limits-table.ts';
import { renderSms } from '../outbox/sms-gateway.ts';
import { loadKnowledgeDemo } from '../demo/knowledge.ts';
import { bootstrap } from '../app/bootstrap.ts';

const KB_TITLE = '12345热线受理哪些事项、多长时间答复？';
const twoDaySign = defineCity(mudanjiang, { limits: { sign: { unit: 'working_days', amount: 2 } } });

async function dispatchNotice(t: TestApp, no: string): Promise<string> {
  const sms = (await outbox(t)).find((m) => m.topic === 'sms' && m.payload.template === 'dispatch_notice' && m.payload.params.ticketNo === no);
  assert.ok(sms, 'a dispatch SMS was queued');
  return renderSms(sms.payload as never);
}

async function kbAnswer(t: TestApp): Promise<string> {
  await loadKnowledgeDemo(t.ctx);
  const row = await t.ctx.store.db.selectFrom('kb_articles').select('body').where('title', '=', KB_TITLE).executeTakeFirstOrThrow();
  return row.body;
}

describe('the time-limit page is the config rendered', () => {
  it('docs/reference/time-limits.md equals the table generated from the Mudanjiang config (node bin/run-ts.js scripts/limits-doc.ts)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'reference', 'time-limits.md'), 'utf8');
    assert.equal(committed, limitsTable(mudanjiang));
  });
  it('a changed sign limit changes the page row, and only that row', () => {
    const before = limitsTable(mudanjiang).split('\n');
    const changed = limitsTable(twoDaySign).split('\n');
    const differing = before.filter((line, i) => line !== changed[i]);
    assert.deepEqual(differing, ['| `sign` | 签收：承办单位签收 | 1个工作日 | 第十五条 |']);
    assert.ok(changed.includes('| `sign` | 签收：承办单位签收 | 2个工作日 | 第十五条 |'));
  });
});

describeEachEngine('one source for the sign limit', (engine) => {
  for (const [label, city, days, due] of [
    ['Mudanjiang as configured', mudanjiang, 1, '2026-03-03T23:59:59'],
    ['the sign limit set to 2 working days in the config', twoDaySign, 2, '2026-03-04T23:59:59'],
  ] as const) {
    describe(label, () => {
      let t: TestApp;
      before(async () => {
        t = await startTestApp(engine, { city });
      });
      after(() => t.close());

      it(`the sign deadline, the dispatch SMS and the demo article say ${days}个工作日`, async () => {
        setClock(t, '2026-03-02T09:00'); // Monday
        const ticket = await newTicket(t);
        assert.equal(duty(ticket, { kind: 'sign', party: 'lead', unit: 'ZJJ' }).dueAt, shown(due));
        assert.match(await dispatchNotice(t, ticket.no), new RegExp(`请在${days}个工作日内签收办理`));
        const body = await kbAnswer(t);
        assert.match(body, new RegExp(`承办单位应在${days}个工作日内签收工单`));
        // The reply limits in the same sentence still come from the same table.
        assert.match(body, /咨询类事项2个工作日内答复/);
      });
    });
  }
});

describeEachEngine('a second city (青禾县)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine, {
      city: qinghe,
      users: { agent1: ['agent', 'QH12345'], centre1: ['centre', 'QH12345'], admin: ['admin', null], 'zjj.staff': ['unit_staff', 'QHZJJ'] },
    });
  });
  after(() => t.close());

  it('boots with its own units, categories, ticket prefix and limits, inheriting what it does not override', async () => {
    assert.ok(t.ctx.org.byCodeOrUndefined('QHZJJ'));
    assert.equal(t.ctx.org.byCodeOrUndefined('ZJJ'), undefined);
    assert.equal(t.ctx.city.limits.sign.amount, 2);
    assert.deepEqual(t.ctx.city.limits['reply.complaint'], mudanjiang.limits['reply.complaint']);
    setClock(t, '2026-03-02T09:00');
    const agent = await t.as('agent1');
    const category = (await agent.get('/api/v1/categories')).body as Array<{ code: string; id: number }> | { items: Array<{ code: string; id: number }> };
    const list = Array.isArray(category) ? category : category.items;
    assert.ok(list.some((c) => c.code === 'ZF-WY'));
    assert.ok(!list.some((c) => c.code === 'ZFWY-WY'), 'no Mudanjiang category');
    const ticket = await newTicket(t, { categoryCode: 'ZF-WY' });
    assert.match(ticket.no, /^QHX\d{8}\d+$/);
    assert.equal(ticket.leadUnit.code, 'QHZJJ');
    assert.equal(duty(ticket, { kind: 'sign', party: 'lead', unit: 'QHZJJ' }).dueAt, shown('2026-03-04T23:59:59'));
    assert.match(await dispatchNotice(t, ticket.no), /请在2个工作日内签收办理/);
  });
});

describe('HOTLINE_CITY chooses the city', () => {
  it('names a configured city, defaults to Mudanjiang, and refuses an unknown name before a store opens', async () => {
    assert.equal(cityNamed('qinghe'), qinghe);
    assert.equal(cityNamed(undefined), mudanjiang);
    assert.equal(cityNamed(''), mudanjiang);
    assert.throws(() => cityNamed('atlantis'), (err: Error) => err instanceof CityConfigError && /HOTLINE_CITY.*atlantis.*mudanjiang、qinghe/.test(err.message));
    const previous = process.env.HOTLINE_CITY;
    process.env.HOTLINE_CITY = 'atlantis';
    try {
      await assert.rejects(bootstrap({ dataDir: '/nonexistent/never-created' }), CityConfigError);
    } finally {
      if (previous === undefined) delete process.env.HOTLINE_CITY;
      else process.env.HOTLINE_CITY = previous;
    }
  });
});
