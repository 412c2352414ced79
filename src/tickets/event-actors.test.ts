// Who acted, as the ticket's timeline names it: users by name and role; the timers, the requester on
// the portal, an Open311 client and the provincial/national platform each as what it is (none of
// them a 话务员, whatever role their audit row carries). A table of cases, then the provincial
// platform's transfer through the HTTP API.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { setClock } from '../../test/support/handling.ts';
import { createApiKey } from '../auth/api-keys.ts';
import { eventActorView } from './view.ts';

const local = { origin: 'local', channel: 'phone', external_id: null };
const portal = { origin: 'local', channel: 'web', external_id: null };
const open311 = { origin: 'local', channel: 'web', external_id: 'tok-1' };
const provincial = { origin: 'provincial', channel: 'provincial', external_id: 'HLJ-1' };
const national = { origin: 'national', channel: 'national', external_id: 'GJ-1' };

const CASES: Array<[string, Parameters<typeof eventActorView>[0], Parameters<typeof eventActorView>[1], { name: string; role: string | null; kind: string }]> = [
  ['a user', { user_id: 7, role: 'agent', display_name: '王丽娜', action: 'intake', detail: null }, local, { name: '王丽娜', role: 'agent', kind: 'user' }],
  ['a unit user', { user_id: 9, role: 'unit_staff', display_name: '孙明', action: 'reply', detail: null }, portal, { name: '孙明', role: 'unit_staff', kind: 'user' }],
  ['the timers (deadline warning)', { user_id: 0, role: 'admin', display_name: null, action: 'deadline_warning', detail: { kind: 'reply' } }, local, { name: '系统（自动）', role: null, kind: 'system' }],
  ['no actor at all', { user_id: null, role: null, display_name: null, action: 'archive', detail: null }, local, { name: '系统（自动）', role: null, kind: 'system' }],
  ['the requester rating on the portal', { user_id: 0, role: 'agent', display_name: null, action: 'rating', detail: { source: 'portal', level: 'unsatisfied' } }, local, { name: '诉求人（网上评价）', role: null, kind: 'requester' }],
  ['a bad rating opened from the portal', { user_id: 0, role: 'agent', display_name: null, action: 'rating_bad', detail: { source: 'portal' } }, portal, { name: '诉求人（网上评价）', role: null, kind: 'requester' }],
  ['the requester filing on the portal', { user_id: 0, role: 'agent', display_name: null, action: 'intake', detail: { channel: 'web' } }, portal, { name: '诉求人（网站）', role: null, kind: 'requester' }],
  ['an Open311 client filing', { user_id: 0, role: 'agent', display_name: null, action: 'intake', detail: { channel: 'web' } }, open311, { name: 'Open311 外部系统', role: null, kind: 'external' }],
  ['an Open311 client adding a comment', { user_id: 0, role: 'agent', display_name: null, action: 'open311_comment', detail: {} }, open311, { name: 'Open311 外部系统', role: null, kind: 'external' }],
  ['the provincial platform', { user_id: 0, role: 'agent', display_name: null, action: 'transfer_update', detail: { origin: 'provincial' } }, provincial, { name: '省热线平台', role: null, kind: 'external' }],
  ['the requester rating a transferred ticket on the portal', { user_id: 0, role: 'agent', display_name: null, action: 'rating', detail: { source: 'portal' } }, provincial, { name: '诉求人（网上评价）', role: null, kind: 'requester' }],
  ['the national platform', { user_id: 0, role: 'agent', display_name: null, action: 'intake', detail: {} }, national, { name: '国家政务服务平台', role: null, kind: 'external' }],
  ['another key holder', { user_id: 0, role: 'agent', display_name: null, action: 'intake', detail: { channel: 'app' } }, { origin: 'local', channel: 'app', external_id: null }, { name: '外部系统（API 密钥）', role: null, kind: 'external' }],
];

for (const [name, event, ticket, want] of CASES) {
  it(`timeline actor: ${name}`, () => assert.deepEqual(eventActorView(event, ticket), want));
}

describeEachEngine('timeline actors through the API', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  it('a ticket transferred by the provincial platform names it, not a 话务员; the unit and the centre by name', async () => {
    setClock(t, '2026-03-02T09:00');
    const key = (await createApiKey(t.ctx, null, { name: '黑龙江省12345平台', scopes: ['transfer:write'], ratePerMinute: 1000 })).key;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/transfer/tickets',
      headers: { 'x-api-key': key },
      payload: { externalId: 'HLJ-ACTOR-1', origin: 'provincial', type: 'complaint', categoryCode: 'ZFWY-WY', requester: { kind: 'person', name: '赵铁柱', phone: '13698765400' }, facts: '小区物业长期不清理楼道垃圾，省平台转办', districtCode: 'DAQ' },
    });
    assert.ok(res.statusCode < 300, res.body);
    const no = JSON.parse(res.body).no as string;
    const events = (await (await t.as('centre1')).get(`/api/v1/tickets/${no}/events`)).body.items as Array<{ action: string; actor: { name: string; role: string | null; kind: string } }>;
    const intake = events.find((e) => e.action === 'intake')!;
    assert.deepEqual([intake.actor.name, intake.actor.role, intake.actor.kind], ['省热线平台', null, 'external']);
    const dispatched = events.find((e) => e.action === 'dispatch');
    if (dispatched) assert.equal(dispatched.actor.kind, dispatched.actor.role ? 'user' : 'external');
  });
});
