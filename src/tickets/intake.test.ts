// Intake (第二条, 第十条–第十二条), dispatch (第十三条, 第十四条), the duplicate guard, ticket numbers and
// who may do what, through the HTTP API on every engine.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD,
  describeEachEngine,
  intakeBody,
  startTestApp,
  tableCounts,
  type Client,
  type Response,
  type TestApp,
} from '../../test/support/app.ts';

const MONDAY_9AM = '2026-03-02T01:00:00.000Z'; // 2026-03-02 09:00 in Shanghai

/** A requester phone no other test in the file uses, so the duplicate guard only fires where a test wants it. */
let phoneSeq = 0;
const newPhone = () => `139${String(++phoneSeq).padStart(8, '0')}`;

interface OutboxMessage {
  topic: string;
  to: string;
  template: string;
  params: Record<string, string>;
}

/** Outbox messages about one ticket. */
async function outboxOf(t: TestApp, no: string): Promise<OutboxMessage[]> {
  const rows = await t.ctx.store.db.selectFrom('outbox').select(['id', 'topic', 'payload']).orderBy('id').execute();
  return rows.map((r) => ({ topic: r.topic, ...JSON.parse(r.payload) }) as OutboxMessage).filter((m) => m.params?.ticketNo === no);
}

function smsPhoneOf(t: TestApp, code: string): string {
  const phone = t.ctx.org.byCodeOrUndefined(code)?.smsPhone;
  assert.ok(phone, `unit ${code} has an SMS phone`);
  return phone;
}

/** A 4xx problem answer: problem+json, a Chinese title containing `names`, and (when given) the field. */
function assertProblem(res: Response, status: number, names: string | RegExp, field?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.match(res.body.type, /^urn:hotline:problem:/);
  assert.match(res.body.title, /[\u4e00-\u9fff]/, 'the title is Chinese');
  if (typeof names === 'string') assert.ok(res.body.title.includes(names), `title «${res.body.title}» names «${names}»`);
  else assert.match(res.body.title, names);
  if (field) assert.ok(res.body.errors?.some((e: { field: string }) => e.field === field), `errors name ${field}: ${JSON.stringify(res.body.errors)}`);
}

function dutiesOf(ticket: any, unit: string, party?: string) {
  return ticket.duties.filter((d: any) => d.unit?.code === unit && (!party || d.party === party));
}

async function createOk(agent: Client, overrides: Record<string, unknown> = {}): Promise<any> {
  const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { kind: 'person', name: '张三丰', phone: newPhone() }, ...overrides }));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

/** A bearer token for raw `t.app.inject` calls. */
async function tokenFor(t: TestApp, username: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: PASSWORD } });
  assert.equal(res.statusCode, 200);
  return JSON.parse(res.body).token as string;
}

describeEachEngine('intake: the 第二条 fields, the six types and their time limits', (engine) => {
  let t: TestApp;
  let agent: Client;
  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    agent = await t.as('agent1');
  });
  after(() => t.close());

  it('records every 第二条 field and shows it back with deadlines in +08:00', async () => {
    t.clock.set(MONDAY_9AM);
    const phone = newPhone();
    const res = await agent.post(
      '/api/v1/tickets',
      intakeBody({
        channel: 'phone',
        type: 'complaint',
        categoryCode: 'ZFWY-WY',
        requester: { kind: 'person', name: '张三丰', phone: `${phone.slice(0, 3)} ${phone.slice(3, 7)}-${phone.slice(7)}`, idNumber: '230102199001011234' },
        facts: '光华小区物业长期不清理楼道垃圾，多次联系物业无果',
        address: '东安区新安街道光华小区3号楼',
        districtCode: 'DAQ',
        callId: 'CALL-0001',
      }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const created = res.body;
    assert.equal(created.status, 'dispatched');
    assert.equal(created.statusLabel, '待签收');

    const got = await agent.get(`/api/v1/tickets/${created.no}`);
    assert.equal(got.status, 200);
    const tk = got.body;
    assert.deepEqual(tk.requester, { kind: 'person', name: '张三丰', phone, idNumber: '230102199001011234', confidential: false, masked: false });
    assert.equal(tk.facts, '光华小区物业长期不清理楼道垃圾，多次联系物业无果');
    assert.equal(tk.address, '东安区新安街道光华小区3号楼');
    assert.equal(tk.createdAt, '2026-03-02T09:00:00+08:00');
    assert.equal(tk.type, 'complaint');
    assert.equal(tk.typeLabel, '投诉');
    assert.equal(tk.channel, 'phone');
    assert.equal(tk.origin, 'local');
    assert.equal(tk.categoryCode, 'ZFWY-WY');
    assert.equal(tk.category, '物业服务');
    assert.equal(tk.district?.code, 'DAQ');
    assert.equal(tk.callId, 'CALL-0001');
    // The category's unit wins over the district.
    assert.equal(tk.leadUnit?.code, 'ZJJ');
    // 时限: sign within 1 working day, a complaint replied within 15.
    const sign = dutiesOf(tk, 'ZJJ', 'lead').find((d: any) => d.kind === 'sign');
    const reply = dutiesOf(tk, 'ZJJ', 'lead').find((d: any) => d.kind === 'reply');
    assert.equal(sign.dueAt, '2026-03-03T23:59:59+08:00');
    assert.equal(sign.limit, '1个工作日');
    assert.equal(reply.dueAt, '2026-03-23T23:59:59+08:00');
    assert.equal(reply.limit, '15个工作日');
    assert.equal(tk.nextDueAt, '2026-03-03T23:59:59+08:00');
    assert.equal(tk.light, 'green');
    for (const d of tk.duties) assert.match(d.dueAt, /^\d{4}-\d{2}-\d{2}T23:59:59\+08:00$/);
  });

  it('marks tickets from the provincial platform with their origin', async () => {
    t.clock.set(MONDAY_9AM);
    const tk = await createOk(agent, { channel: 'provincial', externalId: 'HLJ-2026-000123' });
    assert.equal(tk.origin, 'provincial');
    assert.equal(tk.externalId, 'HLJ-2026-000123');
  });

  const byType: Array<[string, string, string, string]> = [
    // type, label, reply limit, reply due for a Monday 09:00 intake
    ['consultation', '咨询', '2个工作日', '2026-03-04T23:59:59+08:00'],
    ['help', '求助', '5个工作日', '2026-03-09T23:59:59+08:00'],
    ['suggestion', '意见建议', '5个工作日', '2026-03-09T23:59:59+08:00'],
    ['praise', '表扬', '5个工作日', '2026-03-09T23:59:59+08:00'],
    ['complaint', '投诉', '15个工作日', '2026-03-23T23:59:59+08:00'],
    ['report', '举报', '15个工作日', '2026-03-23T23:59:59+08:00'],
  ];
  for (const [type, label, limit, due] of byType) {
    it(`dispatches a ${label} with sign in 1 and reply in ${limit}`, async () => {
      t.clock.set(MONDAY_9AM);
      const tk = await createOk(agent, { type });
      assert.equal(tk.status, 'dispatched');
      assert.equal(tk.typeLabel, label);
      const mine = dutiesOf(tk, 'ZJJ', 'lead');
      assert.deepEqual(mine.map((d: any) => d.kind).sort(), ['reply', 'sign']);
      const sign = mine.find((d: any) => d.kind === 'sign');
      const reply = mine.find((d: any) => d.kind === 'reply');
      assert.equal(sign.dueAt, '2026-03-03T23:59:59+08:00');
      assert.equal(reply.limit, limit);
      assert.equal(reply.limitKey, `reply.${type}`);
      assert.equal(reply.dueAt, due);
      assert.equal(reply.provisional, false);
    });
  }

  it('gives a category with a law-given limit (消费投诉, 7 working days) precedence over the type', async () => {
    t.clock.set(MONDAY_9AM);
    for (const type of ['complaint', 'consultation']) {
      const tk = await createOk(agent, { type, categoryCode: 'SCJG-XFTS', facts: `在商场购买的电器出现质量问题，商家拒绝退货（${type}）` });
      assert.equal(tk.leadUnit.code, 'SCJGJ');
      const reply = dutiesOf(tk, 'SCJGJ', 'lead').find((d: any) => d.kind === 'reply');
      assert.equal(reply.limit, '7个工作日');
      assert.equal(reply.limitKey, 'category:SCJG-XFTS');
      assert.equal(reply.dueAt, '2026-03-11T23:59:59+08:00');
    }
  });

  it('counts working days from the day after intake, across a weekend, and to 24:00', async () => {
    t.clock.set('2026-03-06T15:30:00.000Z'); // Friday 23:30 in Shanghai
    const tk = await createOk(agent, { type: 'consultation' });
    assert.equal(tk.createdAt, '2026-03-06T23:30:00+08:00');
    const mine = dutiesOf(tk, 'ZJJ', 'lead');
    assert.equal(mine.find((d: any) => d.kind === 'sign').dueAt, '2026-03-09T23:59:59+08:00');
    assert.equal(mine.find((d: any) => d.kind === 'reply').dueAt, '2026-03-10T23:59:59+08:00');
  });
});

describeEachEngine('intake: every disposition', (engine) => {
  let t: TestApp;
  let agent: Client;
  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    agent = await t.as('agent1');
  });
  after(() => t.close());

  it('pending: saved without duties or notices, dispatched later by the dispatch action', async () => {
    const tk = await createOk(agent, { disposition: 'pending' });
    assert.equal(tk.status, 'pending_dispatch');
    assert.deepEqual(tk.duties, []);
    assert.equal(tk.leadUnit, null);
    assert.equal(tk.nextDueAt, null);
    assert.ok(tk.actions.includes('dispatch'));
    assert.deepEqual(await outboxOf(t, tk.no), []);

    t.clock.set('2026-03-02T03:00:00.000Z'); // two hours later
    const res = await agent.act(tk.no, 'dispatch', { leadUnitCode: 'CGJ' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'dispatched');
    assert.equal(res.body.leadUnit.code, 'CGJ');
    const sign = dutiesOf(res.body, 'CGJ', 'lead').find((d: any) => d.kind === 'sign');
    assert.equal(sign.startedAt, '2026-03-02T11:00:00+08:00');
    assert.equal(sign.dueAt, '2026-03-03T23:59:59+08:00');
    const sms = await outboxOf(t, tk.no);
    assert.deepEqual(sms.map((m) => [m.topic, m.template, m.to]), [['sms', 'dispatch_notice', smsPhoneOf(t, 'CGJ')]]);

    const events = (await agent.get(`/api/v1/tickets/${tk.no}/events`)).body.items;
    assert.deepEqual(
      events.map((e: any) => [e.action, e.fromStatus, e.toStatus]),
      [
        ['intake', null, 'pending_dispatch'],
        ['dispatch', 'pending_dispatch', 'dispatched'],
      ],
    );
    // A dispatched ticket cannot be dispatched again.
    const again = await agent.act(tk.no, 'dispatch', {});
    assertProblem(again, 409, '派单');
    t.clock.set(MONDAY_9AM);
  });

  it('direct_answer: a consultation is answered from the knowledge base and closed', async () => {
    // The published knowledge-base article the answer comes from.
    const admin = await t.as('admin');
    const kb = await admin.post('/api/v1/kb/articles', { kind: 'faq', title: '租房提取住房公积金需要哪些材料', unitCode: 'GJJ', body: '租房提取需提供身份证、租赁合同，可在“全省事”APP办理。' });
    for (const [step, body] of [['submit', {}], ['approve', { approve: true }], ['review', { pass: true }]] as const) await admin.post(`/api/v1/kb/articles/${kb.body.id}/actions/${step}`, body);
    const before = await tableCounts(t.ctx);
    const answer = { type: 'consultation', categoryCode: 'ZFGJJ-TQ', facts: '咨询租房提取住房公积金需要哪些材料', disposition: 'direct_answer' };
    const unknown = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, ...answer, answer: { content: '…', articleId: 'KB-0012' } }));
    assertProblem(unknown, 400, '知识条目', 'answer.articleId');
    assert.deepEqual(await tableCounts(t.ctx), before);
    const tk = await createOk(agent, {
      ...answer,
      answer: { content: '租房提取需提供身份证、租赁合同，可在“全省事”APP办理。', articleId: String(kb.body.id) },
    });
    assert.equal(tk.status, 'answered');
    assert.equal(tk.closedAt, '2026-03-02T09:00:00+08:00');
    assert.equal(tk.resolution, 'direct_answer');
    assert.deepEqual(tk.duties, []);
    assert.equal(tk.light, null);
    assert.equal(tk.submissions.length, 1);
    assert.equal(tk.submissions[0].kind, 'direct_answer');
    assert.match(tk.submissions[0].content, /租赁合同/);
    assert.deepEqual(tk.submissions[0].article, { id: kb.body.id, title: '租房提取住房公积金需要哪些材料' });
    assert.equal((await admin.get(`/api/v1/kb/articles/${kb.body.id}`)).body.uses, 1);
    assert.deepEqual(await outboxOf(t, tk.no), []);
    const afterCounts = await tableCounts(t.ctx);
    assert.equal(afterCounts.tickets, before.tickets + 1);
    assert.equal(afterCounts.duties, before.duties);
    assert.equal(afterCounts.outbox, before.outbox);
  });

  it('direct_answer: refused for anything but a consultation, naming the field', async () => {
    const before = await tableCounts(t.ctx);
    const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, type: 'complaint', disposition: 'direct_answer', answer: { content: '已解答' } }));
    assertProblem(res, 400, '咨询', 'disposition');
    const noAnswer = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, type: 'consultation', disposition: 'direct_answer' }));
    assertProblem(noAnswer, 400, '解答内容', 'answer');
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('reject: 不予受理 with a 第十一条 reason, its basis and the body to turn to', async () => {
    const tk = await createOk(agent, {
      type: 'complaint',
      categoryCode: undefined,
      facts: '与邻居的房屋买卖合同纠纷，要求政府判决对方赔偿',
      disposition: 'reject',
      reject: { reasonCode: '11.1', referral: '东安区人民法院' },
    });
    assert.equal(tk.status, 'rejected');
    assert.equal(tk.resolution, 'rejected');
    assert.equal(tk.resolutionNote, '11.1');
    assert.ok(tk.closedAt);
    assert.deepEqual(tk.duties, []);
    const events = (await agent.get(`/api/v1/tickets/${tk.no}/events`)).body.items;
    assert.equal(events.length, 1);
    assert.equal(events[0].action, 'intake');
    assert.equal(events[0].toStatus, 'rejected');
    assert.equal(events[0].detail.reasonCode, '11.1');
    assert.equal(events[0].detail.referral, '东安区人民法院');
    assert.match(events[0].detail.basis, /诉讼、仲裁/);
    assert.deepEqual(await outboxOf(t, tk.no), []);
  });

  it('emergency_transfer: transferred to 110 and reported to the authority through the outbox', async () => {
    const tk = await createOk(agent, {
      type: 'help',
      categoryCode: undefined,
      facts: '楼下有人持刀打架，情况紧急',
      disposition: 'emergency_transfer',
      emergency: { line: '110', note: '已三方通话转接' },
    });
    assert.equal(tk.status, 'transferred');
    assert.equal(tk.resolution, 'emergency_transfer');
    assert.equal(tk.resolutionNote, '110');
    assert.deepEqual(tk.duties, []);
    const messages = await outboxOf(t, tk.no);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].topic, 'report');
    assert.equal(messages[0].template, 'emergency_report');
    assert.equal(messages[0].to, smsPhoneOf(t, 'YSJ'));
    assert.equal(t.ctx.org.byCodeOrUndefined('YSJ')?.kind, 'authority');
    assert.equal(messages[0].params.line, '110');
    const events = (await agent.get(`/api/v1/tickets/${tk.no}/events`)).body.items;
    assert.equal(events[0].detail.line, '110');
  });

  it('merge: a repeat call joins the open ticket, which counts it', async () => {
    const phone = newPhone();
    const target = await createOk(agent, { requester: { kind: 'person', name: '李四', phone } });
    assert.equal(target.repeatCount, 0);
    const res = await agent.post(
      '/api/v1/tickets',
      intakeBody({ requester: { kind: 'person', name: '李四', phone }, facts: '楼道垃圾还是没人清理，再次反映', disposition: 'merge', mergeInto: target.no }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'merged');
    assert.ok(res.body.closedAt);
    assert.deepEqual(res.body.duties, []);
    assert.deepEqual(res.body.links, [{ kind: 'merged_into', no: target.no, status: 'dispatched' }]);

    const after = (await agent.get(`/api/v1/tickets/${target.no}`)).body;
    assert.equal(after.repeatCount, 1);
    assert.equal(after.status, 'dispatched');
    assert.ok(after.links.some((l: any) => l.kind === 'merged_into:reverse' && l.no === res.body.no));
    const events = (await agent.get(`/api/v1/tickets/${target.no}/events`)).body.items;
    const mergedIn = events.filter((e: any) => e.action === 'merged_in');
    assert.equal(mergedIn.length, 1);
    assert.equal(mergedIn[0].detail.from, res.body.no);
    // The repeat call sends no second notice to the unit.
    assert.deepEqual(await outboxOf(t, res.body.no), []);
  });

  it('merge: refused into a closed or unknown ticket, changing nothing', async () => {
    const closed = await createOk(agent, { disposition: 'reject', reject: { reasonCode: '11.3' } });
    const before = await tableCounts(t.ctx);
    const intoClosed = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, disposition: 'merge', mergeInto: closed.no }));
    assertProblem(intoClosed, 400, '已办结', 'mergeInto');
    const intoNothing = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, disposition: 'merge', mergeInto: 'MDJ20260302999999' }));
    assertProblem(intoNothing, 400, '不存在', 'mergeInto');
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('special matters are reported to the authority and the city government at once (第十六条)', async () => {
    const tk = await createOk(agent, { type: 'help', categoryCode: 'SDRQ-TS', facts: '整个小区突然大面积停水', special: 'special' });
    assert.equal(tk.special, 'special');
    const lead = dutiesOf(tk, 'GSGS', 'lead');
    assert.deepEqual(lead.map((d: any) => d.kind).sort(), ['first_response', 'progress', 'reply', 'sign']);
    assert.equal(lead.find((d: any) => d.kind === 'first_response').dueAt, '2026-03-02T13:00:00+08:00');
    const reports = (await outboxOf(t, tk.no)).filter((m) => m.topic === 'report');
    assert.deepEqual(reports.map((m) => m.to).sort(), [smsPhoneOf(t, 'SZF'), smsPhoneOf(t, 'YSJ')].sort());
  });
});

describeEachEngine('dispatch: units, duties and SMS notices', (engine) => {
  let t: TestApp;
  let agent: Client;
  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    agent = await t.as('agent1');
  });
  after(() => t.close());

  it('goes to the category’s unit by default', async () => {
    const tk = await createOk(agent, { categoryCode: 'SDRQ-GRWD', facts: '家中暖气不热，室温只有十二度' });
    assert.equal(tk.leadUnit.code, 'RDGS');
    const events = (await agent.get(`/api/v1/tickets/${tk.no}/events`)).body.items;
    const dispatch = events.find((e: any) => e.action === 'dispatch');
    assert.deepEqual(dispatch.detail, { lead: 'RDGS', co: [] });
  });

  it('goes to the chosen unit when the agent names one', async () => {
    const tk = await createOk(agent, { categoryCode: 'SDRQ-GRWD', dispatch: { leadUnitCode: 'RDGS-KFZX' } });
    assert.equal(tk.leadUnit.code, 'RDGS-KFZX');
  });

  it('falls back to the district of the matter without a category (第十四条 县（市）区兜底)', async () => {
    const tk = await createOk(agent, { categoryCode: undefined, districtCode: 'DAQ', facts: '小区门前路灯损坏多日，夜间出行不便' });
    assert.equal(tk.status, 'dispatched');
    assert.equal(tk.leadUnit.code, 'DAQ');
    assert.equal(tk.district.code, 'DAQ');
    assert.equal(dutiesOf(tk, 'DAQ', 'lead').length, 2);
  });

  it('refuses a matter with no category, no district and no unit, naming 主办单位, and changes nothing', async () => {
    const before = await tableCounts(t.ctx);
    const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, categoryCode: undefined, facts: '反映一个问题但说不清在哪里' }));
    assertProblem(res, 400, '主办单位', 'leadUnitCode');
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('refuses a lead unit that does not handle tickets', async () => {
    const before = await tableCounts(t.ctx);
    for (const code of ['YSJ', 'MDJ12345', 'SZF']) {
      const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, dispatch: { leadUnitCode: code } }));
      assertProblem(res, 400, '不是承办单位', 'leadUnitCode');
    }
    const unknown = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, dispatch: { leadUnitCode: 'NOPE' } }));
    assertProblem(unknown, 400, '不存在', 'leadUnitCode');
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('gives co-handling units their own sign and opinion duties and notifies every unit once', async () => {
    const tk = await createOk(agent, { categoryCode: 'CSGL-HW', dispatch: { leadUnitCode: 'CGJ', coUnitCodes: ['ZJJ', 'DAQ', 'ZJJ'] }, facts: '小区垃圾站满溢无人清运，涉及物业和街道' });
    assert.equal(tk.leadUnit.code, 'CGJ');
    const lead = dutiesOf(tk, 'CGJ', 'lead');
    assert.deepEqual(lead.map((d: any) => d.kind).sort(), ['reply', 'sign']);
    for (const co of ['ZJJ', 'DAQ']) {
      const duties = dutiesOf(tk, co);
      assert.deepEqual(duties.map((d: any) => [d.party, d.kind]).sort(), [['co', 'opinion'], ['co', 'sign']]);
      // A co-handler's opinion runs on the ticket's reply limit.
      assert.equal(duties.find((d: any) => d.kind === 'opinion').dueAt, lead.find((d: any) => d.kind === 'reply').dueAt);
    }
    assert.equal(tk.duties.length, 6);

    const sms = await outboxOf(t, tk.no);
    assert.equal(sms.length, 3);
    for (const m of sms) {
      assert.equal(m.topic, 'sms');
      assert.equal(m.template, 'dispatch_notice');
    }
    assert.deepEqual(
      sms.map((m) => [m.to, m.params.role]).sort(),
      [
        [smsPhoneOf(t, 'CGJ'), '主办'],
        [smsPhoneOf(t, 'DAQ'), '协办'],
        [smsPhoneOf(t, 'ZJJ'), '协办'],
      ].sort(),
    );
    // Notices never carry the requester's data.
    const phone = (await agent.get(`/api/v1/tickets/${tk.no}`)).body.requester.phone;
    for (const m of sms) assert.ok(!JSON.stringify(m).includes(phone));
  });

  it('refuses a co-handling unit that is the lead', async () => {
    const before = await tableCounts(t.ctx);
    const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['ZJJ'] } }));
    assertProblem(res, 400, '协办单位', 'coUnitCodes');
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('writes the notice in the ticket’s transaction: a request refused late leaves no ticket, duty, notice or number', async () => {
    const before = await tableCounts(t.ctx);
    const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, dispatch: { leadUnitCode: 'ZJJ', coUnitCodes: ['DAQ', 'NO-SUCH-UNIT'] } }));
    assertProblem(res, 400, 'NO-SUCH-UNIT', 'coUnitCodes');
    assert.deepEqual(await tableCounts(t.ctx), before);
    // And the pending path: a refused dispatch action leaves the ticket pending with no notice.
    const pending = await createOk(agent, { disposition: 'pending' });
    const mid = await tableCounts(t.ctx);
    const refused = await agent.act(pending.no, 'dispatch', { leadUnitCode: 'ZJJ', coUnitCodes: ['NO-SUCH-UNIT'] });
    assertProblem(refused, 400, 'NO-SUCH-UNIT', 'coUnitCodes');
    assert.deepEqual(await tableCounts(t.ctx), mid);
    assert.equal((await agent.get(`/api/v1/tickets/${pending.no}`)).body.status, 'pending_dispatch');
    assert.deepEqual(await outboxOf(t, pending.no), []);
  });
});

describeEachEngine('intake: bad input is a 4xx problem in Chinese and changes nothing', (engine) => {
  let t: TestApp;
  let agent: Client;
  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    agent = await t.as('agent1');
    await createOk(agent); // something in every table worth comparing
  });
  after(() => t.close());

  const { facts: _facts, ...noFacts } = intakeBody();
  const cases: Array<[string, Record<string, unknown>, string, string?]> = [
    // why, body, the title names, the field
    ['missing facts', noFacts, '诉求事实', 'facts'],
    ['empty facts', intakeBody({ facts: '' }), '诉求事实', 'facts'],
    ['facts too long', intakeBody({ facts: '垃'.repeat(4001) }), '诉求事实', 'facts'],
    ['unknown type', intakeBody({ type: 'gripe' }), '诉求类型', 'type'],
    ['type of the wrong kind', intakeBody({ type: 3 }), '诉求类型', 'type'],
    ['missing requester', intakeBody({ requester: undefined }), '诉求人', 'requester'],
    ['requester not an object', intakeBody({ requester: '张三丰' }), '诉求人', 'requester'],
    ['phone with letters', intakeBody({ requester: { name: '张三丰', phone: '138-ABCD-5678' } }), '联系电话', 'requester.phone'],
    ['phone too short', intakeBody({ requester: { name: '张三丰', phone: '123' } }), '联系电话', 'requester.phone'],
    ['phone of separators only', intakeBody({ requester: { name: '张三丰', phone: '- - -' } }), '联系电话', 'requester.phone'],
    ['phone with too few digits', intakeBody({ requester: { name: '张三丰', phone: '+1 2-3' } }), '联系电话', 'requester.phone'],
    ['dispatch without any phone', intakeBody({ requester: { name: '张三丰' } }), '联系电话', 'requester.phone'],
    ['unknown category', intakeBody({ categoryCode: 'NOPE-XX' }), '诉求分类', 'categoryCode'],
    ['unknown district', intakeBody({ districtCode: 'ZJJ' }), '县（市）区', 'districtCode'],
    ['unknown channel', intakeBody({ channel: 'pigeon' }), '受理渠道', 'channel'],
    ['unknown disposition', intakeBody({ disposition: 'ignore' }), '处理方式', 'disposition'],
    ['unknown field', intakeBody({ priority: 'high' }), 'priority'],
    ['unknown nested field', intakeBody({ requester: { name: '张三丰', phone: '13800000000', email: 'a@b.cn' } }), 'email'],
    ['reject without a reason', intakeBody({ disposition: 'reject' }), '第十一条', 'reject'],
    ['reject with a reason not in 第十一条', intakeBody({ disposition: 'reject', reject: { reasonCode: '11.9' } }), '理由条款'],
    ['emergency without a line', intakeBody({ disposition: 'emergency_transfer' }), '紧急热线', 'emergency'],
    ['emergency to an unknown line', intakeBody({ disposition: 'emergency_transfer', emergency: { line: '999' } }), '紧急热线'],
    ['merge without a ticket', intakeBody({ disposition: 'merge' }), '并单', 'mergeInto'],
    ['co-units not codes', intakeBody({ dispatch: { coUnitCodes: [{}] } }), '协办单位'],
  ];
  for (const [why, body, names, field] of cases) {
    it(`${why}: 400 naming ${names}`, async () => {
      const before = await tableCounts(t.ctx);
      const res = await agent.post('/api/v1/tickets', body);
      assertProblem(res, 400, names, field);
      assert.deepEqual(await tableCounts(t.ctx), before);
    });
  }

  it('malformed JSON: 400 problem, nothing written', async () => {
    const token = await tokenFor(t, 'agent1');
    const before = await tableCounts(t.ctx);
    for (const payload of ['{"channel": "phone", "type": ', '', 'null', '[1,2]']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload });
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${JSON.stringify(payload)} → ${res.statusCode} ${res.body}`);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = JSON.parse(res.body);
      assert.match(body.title, /[\u4e00-\u9fff]/);
    }
    const broken = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"facts": "漏水", ' });
    assert.equal(broken.statusCode, 400);
    assert.match(JSON.parse(broken.body).title, /JSON/);
    const wrongType = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, payload: 'facts=漏水' });
    assert.ok(wrongType.statusCode >= 400 && wrongType.statusCode < 500, `${wrongType.statusCode}`);
    assert.match(JSON.parse(wrongType.body).title, /[\u4e00-\u9fff]/);
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  const listCases: Array<[string, string, string]> = [
    ['unknown status', 'status=lost', '状态'],
    ['status list with an unknown entry', 'status=dispatched,lost', '状态'],
    ['unknown type', 'type=gripe', '诉求类型'],
    ['unknown light', 'light=blue', '红黄灯'],
    ['page zero', 'page=0', '页码'],
    ['page not a number', 'page=abc', '页码'],
    ['page size too large', 'pageSize=1000', '每页条数'],
    ['unknown sort', 'sort=random', '排序'],
    ['from not a date', 'from=yesterday', '开始时间'],
    ['to not a date', 'to=2026-13-45', '结束时间'],
    ['unknown unit', 'unit=NOPE', '单位'],
    ['unknown parameter', 'colour=red', 'colour'],
  ];
  for (const [why, query, names] of listCases) {
    it(`list with ${why}: 400 naming ${names}`, async () => {
      const res = await agent.get(`/api/v1/tickets?${query}`);
      assertProblem(res, 400, names);
    });
  }

  it('a malformed ticket number in the path: 400 naming 工单编号; an unknown one: 404', async () => {
    assertProblem(await agent.get('/api/v1/tickets/not-a-number'), 400, '工单编号');
    assertProblem(await agent.get('/api/v1/tickets/MDJ20260302999999'), 404, 'MDJ20260302999999');
    assertProblem(await agent.get('/api/v1/tickets/MDJ20260302999999/events'), 404, 'MDJ20260302999999');
    assertProblem(await agent.act('MDJ20260302999999', 'dispatch', {}), 404, 'MDJ20260302999999');
  });

  it('an action body with an unknown field: 400, nothing written', async () => {
    const tk = await createOk(agent, { disposition: 'pending' });
    const before = await tableCounts(t.ctx);
    assertProblem(await agent.act(tk.no, 'dispatch', { leadUnit: 'ZJJ' }), 400, 'leadUnit');
    assert.deepEqual(await tableCounts(t.ctx), before);
  });
});

describeEachEngine('intake: duplicate guard (第十二条(二)3 避免重复派单)', (engine) => {
  let t: TestApp;
  let agent: Client;
  const FACTS = '小区物业长期不清理楼道垃圾，多次联系物业无果';
  const SIMILAR = '小区物业长期不清理楼道垃圾，联系物业多次都没有结果';
  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    // Sessions last 12 hours of the app's clock: logging in at the latest instant the suite visits
    // keeps them valid while the clock moves.
    t.clock.set('2026-04-10T00:00:00.000Z');
    agent = await t.as('agent1');
    for (const u of ['zjj.staff', 'centre1']) await t.as(u);
    t.clock.set(MONDAY_9AM);
  });
  after(() => t.close());

  it('refuses the same requester’s similar matter with 409 and the candidates, changing nothing', async () => {
    t.clock.set(MONDAY_9AM);
    const phone = newPhone();
    const first = await createOk(agent, { requester: { name: '王五', phone }, facts: FACTS });
    t.clock.set('2026-03-04T02:00:00.000Z');
    const before = await tableCounts(t.ctx);
    const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { name: '王五', phone }, facts: SIMILAR, address: '别的地址' }));
    assertProblem(res, 409, '相似诉求');
    assert.equal(res.body.type, 'urn:hotline:problem:duplicate-suspected');
    assert.equal(res.body.candidates.length, 1);
    assert.equal(res.body.candidates[0].no, first.no);
    assert.equal(res.body.candidates[0].status, 'dispatched');
    assert.equal(res.body.candidates[0].createdAt, '2026-03-02T09:00:00+08:00');
    assert.ok(res.body.candidates[0].similarity >= 0.5 && res.body.candidates[0].similarity < 1);
    assert.match(res.body.candidates[0].facts, /楼道垃圾/, 'the agent sees what the earlier matter was');
    assert.deepEqual(await tableCounts(t.ctx), before);

    // Stating that the matter is distinct dispatches it and records the ruling.
    const distinct = await agent.post('/api/v1/tickets', intakeBody({ requester: { name: '王五', phone }, facts: SIMILAR, address: '别的地址', distinctFrom: [first.no] }));
    assert.equal(distinct.status, 201, JSON.stringify(distinct.body));
    assert.equal(distinct.body.status, 'dispatched');
    assert.deepEqual(distinct.body.links, [{ kind: 'distinct_from', no: first.no, status: 'dispatched' }]);
  });

  it('treats the same category at the same address as the same matter, however worded', async () => {
    t.clock.set(MONDAY_9AM);
    const phone = newPhone();
    const first = await createOk(agent, { requester: { phone }, facts: FACTS });
    const res = await agent.post('/api/v1/tickets', intakeBody({ requester: { phone }, facts: '物业公司收费却不提供任何服务' }));
    assertProblem(res, 409, '相似诉求');
    assert.deepEqual(res.body.candidates.map((c: any) => [c.no, c.similarity]), [[first.no, 1]]);
  });

  it('guards the later dispatch of a pending ticket too', async () => {
    t.clock.set(MONDAY_9AM);
    const phone = newPhone();
    const first = await createOk(agent, { requester: { phone }, facts: FACTS });
    const pending = await createOk(agent, { requester: { phone }, facts: SIMILAR, address: '别的地址', disposition: 'pending' });
    const refused = await agent.act(pending.no, 'dispatch', {});
    assertProblem(refused, 409, '相似诉求');
    assert.deepEqual(refused.body.candidates.map((c: any) => c.no), [first.no]);
    const ok = await agent.act(pending.no, 'dispatch', { distinctFrom: [first.no] });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, 'dispatched');
  });

  it('is not a duplicate with another phone, or with a dissimilar matter', async () => {
    t.clock.set(MONDAY_9AM);
    const phone = newPhone();
    await createOk(agent, { requester: { phone }, facts: FACTS });
    const otherPhone = await createOk(agent, { requester: { phone: newPhone() }, facts: FACTS });
    assert.equal(otherPhone.status, 'dispatched');
    const otherMatter = await createOk(agent, { requester: { phone }, categoryCode: 'JTCX-DL', facts: '小区门口道路坑洼积水，车辆无法通行', address: '阳明区前进街道' });
    assert.equal(otherMatter.status, 'dispatched');
  });

  it('is not a duplicate of a ticket older than the 30-day window', async () => {
    t.clock.set(MONDAY_9AM);
    const phone = newPhone();
    await createOk(agent, { requester: { phone }, facts: FACTS });
    t.clock.set('2026-03-31T02:00:00.000Z'); // 29 days later: still a candidate
    assertProblem(await agent.post('/api/v1/tickets', intakeBody({ requester: { phone }, facts: SIMILAR })), 409, '相似诉求');
    t.clock.set('2026-04-02T02:00:00.000Z'); // 31 days later
    const late = await createOk(agent, { requester: { phone }, facts: SIMILAR });
    assert.equal(late.status, 'dispatched');
    t.clock.set(MONDAY_9AM);
  });

  it('does not count a closed ticket as a candidate; the duplicate check endpoint shows open ones', async () => {
    t.clock.set(MONDAY_9AM);
    const phone = newPhone();
    const first = await createOk(agent, { requester: { phone }, facts: FACTS });
    const check = await agent.post('/api/v1/tickets/duplicate-check', { phone: `${phone.slice(0, 3)}-${phone.slice(3)}`, facts: SIMILAR });
    assert.equal(check.status, 200);
    assert.equal(check.body.candidates.length, 1);
    assert.equal(check.body.candidates[0].no, first.no);
    assert.ok(check.body.candidates[0].similarity >= 0.5);
    const none = await agent.post('/api/v1/tickets/duplicate-check', { phone: newPhone(), facts: SIMILAR });
    assert.deepEqual(none.body, { candidates: [], otherCallers: [] }, 'no category given: no other caller is compared either');
    const dissimilar = await agent.post('/api/v1/tickets/duplicate-check', { phone, facts: '咨询医保异地就医如何备案' });
    assert.deepEqual(dissimilar.body.candidates, []);

    // Take the first ticket to 办结: sign, reply, review, callback.
    const staff = await t.as('zjj.staff');
    const centre = await t.as('centre1');
    for (const [who, action, body] of [
      [staff, 'sign', {}],
      [staff, 'reply', { content: '已督促物业公司清理楼道垃圾并建立保洁台账。' }],
      [centre, 'review', { pass: true }],
      [centre, 'callback', { reached: true, satisfaction: 'satisfied' }],
    ] as Array<[Client, string, object]>) {
      const res = await who.act(first.no, action, body);
      assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
    }
    assert.equal((await agent.get(`/api/v1/tickets/${first.no}`)).body.status, 'closed');
    assert.deepEqual((await agent.post('/api/v1/tickets/duplicate-check', { phone, facts: SIMILAR })).body.candidates, []);
    const again = await createOk(agent, { requester: { phone }, facts: SIMILAR });
    assert.equal(again.status, 'dispatched');
  });

  it('the duplicate check is for intake roles only and validates its body', async () => {
    const staff = await t.as('zjj.staff');
    assertProblem(await staff.post('/api/v1/tickets/duplicate-check', { phone: '13800000000', facts: FACTS }), 403, '无权');
    assertProblem(await agent.post('/api/v1/tickets/duplicate-check', { phone: '13800000000' }), 400, '诉求事实');
  });
});

describeEachEngine('ticket numbers', (engine) => {
  let t: TestApp;
  let agent: Client;
  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    t.clock.set('2026-05-12T00:00:00.000Z');
    agent = await t.as('agent1');
    t.clock.set(MONDAY_9AM);
  });
  after(() => t.close());

  it('are MDJ + the Shanghai date + 6 digits', async () => {
    t.clock.set('2026-03-01T15:59:59.000Z'); // 23:59:59 on 2026-03-01 in Shanghai
    const late = await createOk(agent);
    assert.match(late.no, /^MDJ20260301\d{6}$/);
    t.clock.set('2026-03-01T17:00:00.000Z'); // already 2026-03-02 01:00 in Shanghai
    const early = await createOk(agent);
    assert.match(early.no, /^MDJ20260302\d{6}$/);
    assert.equal(early.createdAt, '2026-03-02T01:00:00+08:00');
    // The counter is per day: each day starts at 000001.
    assert.equal(late.no.slice(-6), '000001');
    assert.equal(early.no.slice(-6), '000001');
  });

  it('40 concurrent intakes get 40 distinct consecutive numbers', async () => {
    t.clock.set('2026-05-11T02:00:00.000Z'); // a day no other test uses
    const before = await tableCounts(t.ctx);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        agent.post('/api/v1/tickets', intakeBody({ requester: { name: '并发', phone: newPhone() }, facts: `并发受理测试第${i}号：小区物业长期不清理楼道垃圾` })),
      ),
    );
    for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
    const nos = results.map((r) => r.body.no as string);
    assert.equal(new Set(nos).size, 40);
    for (const no of nos) assert.match(no, /^MDJ20260511\d{6}$/);
    const seq = nos.map((no) => Number(no.slice(-6))).sort((a, b) => a - b);
    assert.deepEqual(seq, Array.from({ length: 40 }, (_, i) => i + 1));
    const afterCounts = await tableCounts(t.ctx);
    assert.equal(afterCounts.tickets, before.tickets + 40);
    assert.equal(afterCounts.outbox, before.outbox + 40);
  });

  it('a request refused inside its transaction does not use up a number', async () => {
    t.clock.set('2026-05-12T02:00:00.000Z');
    const phone = newPhone();
    const first = await createOk(agent, { requester: { phone } });
    // Refused after the number was drawn: a bad co-handling unit, then a suspected duplicate.
    assertProblem(await agent.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() }, dispatch: { coUnitCodes: ['NOPE'] } })), 400, 'NOPE');
    assertProblem(await agent.post('/api/v1/tickets', intakeBody({ requester: { phone } })), 409, '相似诉求');
    const second = await createOk(agent);
    assert.equal(Number(second.no.slice(-6)), Number(first.no.slice(-6)) + 1);
    assert.equal(second.no.slice(0, 11), first.no.slice(0, 11));
  });
});

describeEachEngine('roles', (engine) => {
  let t: TestApp;
  let agent: Client;
  let no: string;
  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    agent = await t.as('agent1');
    no = (await createOk(agent)).no;
  });
  after(() => t.close());

  it('an agent may not sign', async () => {
    const res = await agent.act(no, 'sign', {});
    assertProblem(res, 403, '签收');
    const tk = (await agent.get(`/api/v1/tickets/${no}`)).body;
    assert.equal(tk.status, 'dispatched');
    assert.ok(!tk.actions.includes('sign'));
    assert.equal(dutiesOf(tk, 'ZJJ').find((d: any) => d.kind === 'sign').status, 'open');
    const centre = await t.as('centre1');
    assertProblem(await centre.act(no, 'sign', {}), 403, '签收');
  });

  it('the lead unit may sign, once', async () => {
    const staff = await t.as('zjj.staff');
    const tk = (await staff.get(`/api/v1/tickets/${no}`)).body;
    assert.ok(tk.actions.includes('sign'));
    const res = await staff.act(no, 'sign', {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'in_progress');
    assertProblem(await staff.act(no, 'sign', {}), 409, '签收');
  });

  it('a unit user may not create tickets', async () => {
    const before = await tableCounts(t.ctx);
    for (const u of ['zjj.staff', 'zjj.head', 'authority1']) {
      const client = await t.as(u);
      assertProblem(await client.post('/api/v1/tickets', intakeBody({ requester: { phone: newPhone() } })), 403, '无权');
    }
    assert.deepEqual(await tableCounts(t.ctx), before);
  });

  it('unauthenticated requests get 401', async () => {
    const before = await tableCounts(t.ctx);
    const calls: Array<{ method: 'GET' | 'POST'; url: string; payload?: object }> = [
      { method: 'GET', url: '/api/v1/tickets' },
      { method: 'GET', url: `/api/v1/tickets/${no}` },
      { method: 'GET', url: `/api/v1/tickets/${no}/events` },
      { method: 'POST', url: '/api/v1/tickets', payload: intakeBody({ requester: { phone: newPhone() } }) },
      { method: 'POST', url: `/api/v1/tickets/${no}/actions/reply`, payload: { content: '已处理' } },
      { method: 'POST', url: '/api/v1/tickets/duplicate-check', payload: { phone: '13812345678', facts: '楼道垃圾' } },
      { method: 'GET', url: '/api/v1/calendar/years/2026' },
    ];
    for (const call of calls) {
      const res = await t.app.inject(call);
      assert.equal(res.statusCode, 401, `${call.method} ${call.url}: ${res.body}`);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.match(JSON.parse(res.body).title, /登录/);
    }
    const bogus = await t.app.inject({ method: 'GET', url: '/api/v1/tickets', headers: { authorization: 'Bearer not-a-token' } });
    assert.equal(bogus.statusCode, 401);
    assert.deepEqual(await tableCounts(t.ctx), before);
  });
});

// The answer to a create skips reading back what a new ticket cannot have (emptyOnCreate); it must
// still be the ticket exactly as a read right after shows it.
describeEachEngine('intake: the answer to a create is the ticket as read afterwards', (engine) => {
  let t: TestApp;
  let agent: Client;
  before(async () => {
    t = await startTestApp(engine, { now: MONDAY_9AM });
    agent = await t.as('agent1');
  });
  after(() => t.close());

  const cases: Array<[string, () => Promise<Record<string, unknown>>]> = [
    ['dispatched', async () => ({})],
    ['saved for later dispatch', async () => ({ disposition: 'pending' })],
    ['rejected (第十一条)', async () => ({ disposition: 'reject', reject: { reasonCode: '11.3' } })],
    ['merged into an open ticket', async () => ({ disposition: 'merge', mergeInto: (await createOk(agent, { disposition: 'pending' })).no })],
    ['told apart from a similar one', async () => {
      const phone = newPhone();
      const first = await createOk(agent, { requester: { kind: 'person', name: '王五', phone }, facts: '小区门口路灯坏了一个多月没人修' });
      return { requester: { kind: 'person', name: '王五', phone }, facts: '小区门口路灯坏了一个多月没人修', address: '另一个小区', distinctFrom: [first.no] };
    }],
  ];
  for (const [why, body] of cases) {
    it(why, async () => {
      const created = await createOk(agent, await body());
      const read = await agent.get(`/api/v1/tickets/${created.no}`);
      assert.equal(read.status, 200);
      assert.deepEqual(created, read.body);
    });
  }
});
