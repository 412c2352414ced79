// Inbound transfers from the provincial/national platform through HTTP on every engine: API-key
// auth, idempotency (a repeat and two racing pushes make one ticket), head approval of the reply,
// the state/reply/callback pulled back, the provincial.sync outbox messages, masking, bad input.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, tableCounts, type TestApp } from '../../test/support/app.ts';
import { ok, setClock } from '../../test/support/handling.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { syncProvincial } from './transfer.ts';

const NAME = '赵铁柱';
const PHONE = '13698765432';
const FLOW_PHONE = '13611112222';

function body(externalId: string, overrides: Record<string, unknown> = {}) {
  return {
    externalId,
    origin: 'provincial',
    type: 'complaint',
    categoryCode: 'ZFWY-WY',
    requester: { kind: 'person', name: NAME, phone: PHONE },
    facts: '小区物业长期不清理楼道垃圾，省平台转办',
    address: '东安区新安街道光华小区3号楼',
    districtCode: 'DAQ',
    ...overrides,
  };
}

describeEachEngine('transfers from the provincial/national platform', (engine) => {
  let t: TestApp;
  let key: string;
  let openKey: string;
  const post = async (payload: unknown, k: string | null = key) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/transfer/tickets', headers: k ? { 'x-api-key': k } : {}, payload: payload as object });
    return { status: res.statusCode, body: JSON.parse(res.body), type: String(res.headers['content-type']) };
  };
  const pull = async (externalId: string, k: string = key, query = '') => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/transfer/tickets/${externalId}${query}`, headers: { 'x-api-key': k } });
    return { status: res.statusCode, body: JSON.parse(res.body), raw: res.body };
  };

  before(async () => {
    t = await startTestApp(engine);
    key = (await createApiKey(t.ctx, null, { name: '黑龙江省12345平台', scopes: ['transfer:write'], ratePerMinute: 1000 })).key;
    openKey = (await createApiKey(t.ctx, null, { name: '网站', scopes: ['open311:write'] })).key;
  });
  after(() => t.close());

  it('needs a key with transfer:write; refusals write nothing', async () => {
    const before = await tableCounts(t.ctx);
    const missing = await post(body('HLJ-A0'), null);
    assert.equal(missing.status, 401);
    assert.match(missing.type, /^application\/problem\+json/);
    assert.match(missing.body.title, /API 密钥/);
    assert.equal((await post(body('HLJ-A0'), 'mdj_wrong')).status, 403);
    const scope = await post(body('HLJ-A0'), openKey);
    assert.equal(scope.status, 403);
    assert.match(scope.body.title, /无权/);
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('over its rate a key gets 429 with Retry-After', async () => {
    const slow = (await createApiKey(t.ctx, null, { name: '国家平台', scopes: ['transfer:read'], ratePerMinute: 2 })).key;
    assert.equal((await pull('HLJ-NONE', slow)).status, 404);
    assert.equal((await pull('HLJ-NONE', slow)).status, 404);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/transfer/tickets/HLJ-NONE', headers: { 'x-api-key': slow } });
    assert.equal(res.statusCode, 429);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.match(JSON.parse(res.body).title, /频繁/);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    // A read-only key cannot push.
    assert.equal((await post(body('HLJ-R'), slow)).status, 403);
  });

  it('the change feed takes a key with events:read', async () => {
    const feedKey = (await createApiKey(t.ctx, null, { name: '市数据共享平台', scopes: ['events:read'] })).key;
    const get = (k: string) => t.app.inject({ method: 'GET', url: '/api/v1/events?after=0&limit=5', headers: { 'x-api-key': k } });
    const okRes = await get(feedKey);
    assert.equal(okRes.statusCode, 200, okRes.body);
    assert.ok(Array.isArray(JSON.parse(okRes.body).events));
    assert.equal((await get(key)).statusCode, 403, 'transfer:write is not events:read');
    assert.equal((await get('mdj_wrong')).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/events?after=0' })).statusCode, 401);
  });

  it('the same external id twice is one ticket; the repeat answers 200 with a flag', async () => {
    const first = await post(body('HLJ-A1'));
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.duplicate, false);
    assert.equal(first.body.origin, 'provincial');
    assert.equal(first.body.status, 'pending_dispatch');
    assert.match(first.body.no, /^MDJ\d{14}$/);
    const again = await post(body('HLJ-A1', { facts: '重复推送' }));
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.no, first.body.no);
    // The changed facts are not dropped: the new version is an event, and the centre is told.
    assert.deepEqual(again.body.changed, ['facts']);
    const ticketId = t.ctx.store.db.selectFrom('tickets').select('id').where('no', '=', first.body.no);
    const updates = () => t.ctx.store.db.selectFrom('events').select('detail').where('action', '=', 'transfer_update').where('ticket_id', 'in', ticketId).execute();
    assert.equal((await updates()).length, 1);
    assert.equal(JSON.parse((await updates())[0]!.detail!).newVersion.facts, '重复推送');
    const notes = await t.ctx.store.db.selectFrom('notifications').selectAll().where('kind', '=', 'external_update').where('ticket_id', 'in', ticketId).execute();
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.unit_id, t.ctx.org.firstOfKind('centre')!.id);
    assert.match(notes[0]!.body, /诉求内容/);
    // The same version again adds nothing; the original content is no change at all.
    assert.deepEqual((await post(body('HLJ-A1', { facts: '重复推送' }))).body.changed, ['facts']);
    assert.equal((await updates()).length, 1);
    assert.deepEqual((await post(body('HLJ-A1'))).body.changed, []);
    const phoneChange = await post(body('HLJ-A1', { requester: { phone: '13700001111' } }));
    assert.deepEqual(phoneChange.body.changed, ['requesterPhone']);
    assert.ok(!JSON.stringify(await updates()).includes('13700001111'), 'no requester data in the event');
    // The same id from the national platform is another matter.
    const national = await post(body('HLJ-A1', { origin: 'national' }));
    assert.equal(national.status, 201);
    assert.notEqual(national.body.no, first.body.no);
    const rows = await t.ctx.store.db.selectFrom('tickets').select(['channel', 'origin']).where('external_id', '=', 'HLJ-A1').orderBy('id').execute();
    assert.deepEqual(rows, [
      { channel: 'provincial', origin: 'provincial' },
      { channel: 'national', origin: 'national' },
    ]);
  });

  it('two concurrent pushes of one ticket make one ticket', async () => {
    for (let i = 0; i < 3; i++) {
      const id = `HLJ-RACE-${i}`;
      const answers = await Promise.all([post(body(id)), post(body(id)), post(body(id))]);
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 201], JSON.stringify(answers.map((a) => a.body)));
      assert.equal(new Set(answers.map((a) => a.body.no)).size, 1);
      const n = await t.ctx.store.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).where('external_id', '=', id).executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 1);
    }
  });

  it('bad input: 400 naming the field in Chinese, nothing written', async () => {
    const before = await tableCounts(t.ctx);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ facts: undefined }, 'facts'],
      [{ origin: 'county' }, 'origin'],
      [{ externalId: 'has space' }, 'externalId'],
      [{ requester: { name: NAME } }, 'requester.phone'],
      [{ categoryCode: 'NOPE' }, 'categoryCode'],
      [{ districtCode: 'XX' }, 'districtCode'],
    ];
    for (const [change, field] of cases) {
      const res = await post(body('HLJ-BAD', change));
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.type, /^application\/problem\+json/);
      assert.match(res.body.title, /[\u4e00-\u9fff]/);
      assert.ok(res.body.errors?.some((e: { field: string }) => e.field === field), `${field}: ${JSON.stringify(res.body)}`);
    }
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('a transfer wrong in many places is refused once, listing every field with its Chinese message', async () => {
    const before = await tableCounts(t.ctx);
    const res = await post(
      body('HLJ BAD', { origin: 'county', facts: undefined, type: 'rumour', requester: { kind: 'person', name: NAME, phone: 'x' }, categoryCode: 'NOPE', districtCode: 'XX', extra: 1 }),
    );
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.type, /^application\/problem\+json/);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    assert.deepEqual(fields, ['categoryCode', 'districtCode', 'externalId', 'extra', 'facts', 'origin', 'requester.phone', 'type'].sort(), JSON.stringify(res.body));
    for (const e of res.body.errors) assert.match(e.message, /[\u4e00-\u9fff]/, `${e.field}: ${e.message}`);
    assert.match(res.body.title, /8 处/);
    assert.match(res.body.title, /外部工单编号/);
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('the head approves the reply; state, reply and callback are pulled back and sent to the outbox', async () => {
    setClock(t, '2026-03-02T09:00');
    // Another requester: the same matter from the same phone would be held as a duplicate at dispatch.
    const created = await post(body('HLJ-FLOW', { requester: { kind: 'person', name: NAME, phone: FLOW_PHONE } }));
    assert.equal(created.status, 201);
    const no = created.body.no;
    await ok(t, 'agent1', no, 'dispatch');
    await ok(t, 'zjj.staff', no, 'sign');
    setClock(t, '2026-03-03T10:00');
    const waiting = await ok(t, 'zjj.staff', no, 'reply', { content: '已督促物业公司完成楼道清理。' });
    assert.equal(waiting.status, 'awaiting_approval', 'a provincial ticket needs the head to approve the reply');
    let state = await pull('HLJ-FLOW');
    assert.equal(state.status, 200);
    assert.equal(state.body.statusLabel, '待负责人审定');
    assert.equal(state.body.reply, null, 'an unapproved reply is not sent back');
    await ok(t, 'zjj.head', no, 'approve_reply', { approve: true });
    await ok(t, 'centre1', no, 'review', { pass: true });
    setClock(t, '2026-03-03T15:00');
    await ok(t, 'centre1', no, 'callback', { reached: true, satisfaction: 'satisfied' });

    state = await pull('HLJ-FLOW', key, '?origin=provincial');
    assert.equal(state.body.no, no);
    assert.equal(state.body.status, 'closed');
    assert.equal(state.body.open, false);
    assert.deepEqual(state.body.leadUnit, { code: 'ZJJ', name: t.ctx.org.byCodeOrUndefined('ZJJ')!.name });
    assert.equal(state.body.reply.content, '已督促物业公司完成楼道清理。');
    assert.equal(state.body.reply.headApproved, true);
    assert.deepEqual([state.body.callback.reached, state.body.callback.satisfaction, state.body.callback.satisfactionLabel], [true, 'satisfied', '满意']);
    assert.match(state.body.callback.at, /\+08:00$/);
    assert.ok(!state.raw.includes(NAME) && !state.raw.includes(FLOW_PHONE), 'no requester data goes back');
    assert.equal((await pull('HLJ-NONE')).status, 404);
    assert.equal((await pull('HLJ-FLOW', openKey)).status, 403);

    // Events settle for a minute before the sync reads them; then each goes out once.
    // The reply (accepted at 10:00) has settled; the callback (15:00) has not yet.
    assert.equal(await syncProvincial(t.ctx), 1);
    assert.equal(await syncProvincial(t.ctx), 0);
    setClock(t, '2026-03-03T15:02');
    assert.equal(await syncProvincial(t.ctx), 1);
    assert.equal(await syncProvincial(t.ctx), 0);
    const rows = await t.ctx.store.db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', 'provincial.sync').orderBy('id').execute();
    const messages = rows.map((r) => JSON.parse(r.payload)).filter((m) => m.externalId === 'HLJ-FLOW');
    assert.deepEqual(messages.map((m) => m.kind), ['reply', 'callback']);
    assert.equal(messages[0].reply.content, '已督促物业公司完成楼道清理。');
    assert.equal(messages[1].callback.satisfaction, 'satisfied');
    assert.equal(messages[0].origin, 'provincial');
    assert.equal(messages[0].ticketNo, no);
    assert.ok(!JSON.stringify(rows).includes(FLOW_PHONE) && !JSON.stringify(rows).includes(NAME));
  });
  it('only a reply the centre accepted is sent back: an approved reply awaiting review, or one the centre rejected, is not', async () => {
    setClock(t, '2026-03-04T09:00');
    const created = await post(body('HLJ-REVIEW', { requester: { kind: 'person', name: NAME, phone: '13611113333' } }));
    assert.equal(created.status, 201);
    const no = created.body.no;
    await ok(t, 'agent1', no, 'dispatch');
    await ok(t, 'zjj.staff', no, 'sign');
    setClock(t, '2026-03-04T10:00');
    await ok(t, 'zjj.staff', no, 'reply', { content: '第一次答复：已转物业处理。' });
    await ok(t, 'zjj.head', no, 'approve_reply', { approve: true });
    let state = await pull('HLJ-REVIEW');
    assert.equal(state.body.status, 'replied');
    assert.equal(state.body.reply, null, 'approved by the head but not yet reviewed by the centre (第十五条): not sent back');
    await ok(t, 'centre1', no, 'review', { pass: false, note: '答复未说明具体处理措施' });
    state = await pull('HLJ-REVIEW');
    assert.equal(state.body.reply, null, 'a rejected reply is never sent back');
    setClock(t, '2026-03-04T11:00');
    assert.equal(await syncProvincial(t.ctx), 0, 'no provincial.sync message for an unaccepted reply');

    await ok(t, 'zjj.staff', no, 'reply', { content: '第二次答复：物业已于当日清理完毕，并承诺每周巡查。' });
    await ok(t, 'zjj.head', no, 'approve_reply', { approve: true });
    assert.equal((await pull('HLJ-REVIEW')).body.reply, null, 'the second reply waits for review too');
    await ok(t, 'centre1', no, 'review', { pass: true });
    state = await pull('HLJ-REVIEW');
    assert.equal(state.body.reply.content, '第二次答复：物业已于当日清理完毕，并承诺每周巡查。');
    assert.equal(state.body.reply.reviewed, 'accepted');
    setClock(t, '2026-03-04T11:02');
    assert.equal(await syncProvincial(t.ctx), 1);
    const rows = await t.ctx.store.db.selectFrom('outbox').select('payload').where('topic', '=', 'provincial.sync').orderBy('id').execute();
    const messages = rows.map((r) => JSON.parse(r.payload)).filter((m) => m.externalId === 'HLJ-REVIEW');
    assert.deepEqual(messages.map((m) => [m.kind, m.reply.content]), [['reply', '第二次答复：物业已于当日清理完毕，并承诺每周巡查。']]);
    assert.ok(!JSON.stringify(rows).includes('第一次答复'), 'the rejected reply never reaches the provincial platform');
  });
});
