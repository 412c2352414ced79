// The knowledge base's article side through the HTTP API, on both engines: the lifecycle draft →
// unit head's approval → centre review → published → revised/withdrawn with its audit trail and
// refusals, the 5-working-day entry deadline with its lights, direct answers that use an article
// (intake), and 纠错 reports routed to the owning unit.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, intakeBody, startTestApp, tableCounts, type Client, type Response, type TestApp } from '../../test/support/app.ts';

function assertProblem(res: Response, status: number, names?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.match(res.body.title, /[\u4e00-\u9fff]/);
  if (names) assert.ok(res.body.title.includes(names), `title «${res.body.title}» names «${names}»`);
}

const q = (text: string) => encodeURIComponent(text);

const FAQ = {
  kind: 'faq',
  title: '小区物业服务收费标准在哪里查询？',
  body: '住宅小区物业服务收费标准应在小区显著位置公示。\n业主可向物业服务企业索取收费明细，也可向所在城区住房和城乡建设部门咨询核实。',
};

describeEachEngine('knowledge base articles', (engine) => {
  let t: TestApp;
  let admin: Client;
  let centre: Client;
  let agent: Client;
  let staff: Client;
  let head: Client;
  let otherStaff: Client;
  let otherHead: Client;
  const action = (client: Client, id: number, name: string, body: unknown = {}) => client.post(`/api/v1/kb/articles/${id}/actions/${name}`, body);

  before(async () => {
    t = await startTestApp(engine); // Monday 2026-03-02 09:00 in Shanghai
    admin = await t.as('admin');
    centre = await t.as('centre1');
    agent = await t.as('agent1');
    staff = await t.as('zjj.staff');
    head = await t.as('zjj.head');
    otherStaff = await t.as('scjgj.staff');
    otherHead = await t.as('scjgj.head');
  });
  after(() => t.close());

  it('refuses bad drafts in Chinese, naming the field, and roles that do not write', async () => {
    const count = async () => {
      const n = async (table: 'kb_articles' | 'kb_passages' | 'events') => Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      return [await n('kb_articles'), await n('kb_passages'), await n('events')];
    };
    const before = await count();
    assertProblem(await staff.post('/api/v1/kb/articles', { title: FAQ.title, body: FAQ.body }), 400, '知识类别');
    assertProblem(await staff.post('/api/v1/kb/articles', { ...FAQ, kind: 'gossip' }), 400, '知识类别');
    assertProblem(await staff.post('/api/v1/kb/articles', { ...FAQ, title: '' }), 400, '标题');
    assertProblem(await staff.post('/api/v1/kb/articles', { ...FAQ, body: '   \n ' }), 400, '正文');
    assertProblem(await staff.post('/api/v1/kb/articles', { ...FAQ, effectiveFrom: '2026-13-01' }), 400, '生效日期');
    assertProblem(await staff.post('/api/v1/kb/articles', { ...FAQ, effectiveFrom: '2026-03-10', expiresOn: '2026-03-01' }), 400, '失效日期');
    assertProblem(await staff.post('/api/v1/kb/articles', { ...FAQ, unitCode: 'SCJGJ' }), 400, '本单位');
    assertProblem(await staff.post('/api/v1/kb/articles', { ...FAQ, categoryCode: 'NOPE' }), 400, '诉求分类');
    assertProblem(await centre.post('/api/v1/kb/articles', FAQ), 400, '所属单位');
    assertProblem(await agent.post('/api/v1/kb/articles', FAQ), 403);
    assert.deepEqual(await count(), before, 'a refused draft changes nothing');
  });

  it('takes an article from draft through the head and the centre to published, each step audited; others are refused', async () => {
    const created = await staff.post('/api/v1/kb/articles', { ...FAQ, categoryCode: 'ZFWY-WY' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    assert.equal(created.body.status, 'draft');
    assert.equal(created.body.unit.code, 'ZJJ');
    assert.equal(created.body.category.code, 'ZFWY-WY');
    assert.equal(created.body.entry, null, 'a 便民问答 has no entry deadline');
    assert.deepEqual(created.body.actions, ['submit', 'withdraw']);
    assert.ok(created.body.passages.length >= 1);

    // Drafts are the unit's: invisible to other units and to agents, and out of search.
    assertProblem(await otherStaff.get(`/api/v1/kb/articles/${id}`), 404);
    assertProblem(await agent.get(`/api/v1/kb/articles/${id}`), 404);
    assert.equal((await agent.get(`/api/v1/kb/search?q=${q('物业服务收费标准')}`)).body.items.length, 0);

    assertProblem(await action(head, id, 'approve', { approve: true }), 409, '草稿');
    assert.equal((await action(staff, id, 'submit')).body.status, 'pending_approval');
    assertProblem(await action(staff, id, 'submit'), 409, '待单位负责人审核');
    assertProblem(await action(staff, id, 'approve', { approve: true }), 403);
    assertProblem(await action(otherHead, id, 'approve', { approve: true }), 404);
    assertProblem(await action(head, id, 'approve', { approve: false }), 400, '说明');
    assertProblem(await action(head, id, 'approve', {}), 400, '审批结论');

    const sentBack = await action(head, id, 'approve', { approve: false, note: '请补充收费投诉渠道' });
    assert.equal(sentBack.body.status, 'draft');
    assert.equal(sentBack.body.reviewNote, '请补充收费投诉渠道');
    const edited = await staff.put(`/api/v1/kb/articles/${id}`, { body: `${FAQ.body}\n对乱收费问题可拨打12345热线投诉。` });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.ok(edited.body.passages.some((p: any) => p.text.includes('12345热线投诉')));
    assertProblem(await otherStaff.put(`/api/v1/kb/articles/${id}`, { title: '改标题' }), 404);

    await action(staff, id, 'submit');
    const approved = await action(head, id, 'approve', { approve: true });
    assert.equal(approved.body.status, 'pending_review');
    assertProblem(await staff.put(`/api/v1/kb/articles/${id}`, { title: '改标题' }), 409, '待热线管理机构审校');
    // The centre corrects what it reviews (第二十一条).
    const corrected = await centre.put(`/api/v1/kb/articles/${id}`, { title: '小区物业服务收费标准在哪里查？' });
    assert.equal(corrected.body.title, '小区物业服务收费标准在哪里查？');
    assertProblem(await action(head, id, 'review', { pass: true }), 403);
    const published = await action(centre, id, 'review', { pass: true });
    assert.equal(published.body.status, 'published');
    assert.ok(published.body.publishedAt);

    const found = await agent.get(`/api/v1/kb/search?q=${q('物业服务收费标准在哪查')}`);
    assert.equal(found.body.items[0].article.id, id);
    assertProblem(await staff.put(`/api/v1/kb/articles/${id}`, { title: '再改' }), 409, '修订');
    assertProblem(await action(staff, id, 'withdraw', { reason: '过时' }), 403);

    const events = await head.get(`/api/v1/kb/articles/${id}/events`);
    assert.deepEqual(
      events.body.items.map((e: any) => [e.action, e.fromStatus, e.toStatus, e.actor.role]),
      [
        ['kb_create', null, 'draft', 'unit_staff'],
        ['kb_submit', 'draft', 'pending_approval', 'unit_staff'],
        ['kb_approve', 'pending_approval', 'draft', 'unit_head'],
        ['kb_update', 'draft', 'draft', 'unit_staff'],
        ['kb_submit', 'draft', 'pending_approval', 'unit_staff'],
        ['kb_approve', 'pending_approval', 'pending_review', 'unit_head'],
        ['kb_update', 'pending_review', 'pending_review', 'centre'],
        ['kb_review', 'pending_review', 'published', 'centre'],
      ],
    );
    assert.equal(events.body.items[2].detail.note, '请补充收费投诉渠道');
    assert.equal(events.body.items[0].actionLabel, '录入');

    // Revising takes it out of search until it is published again; the head withdraws.
    assert.equal((await action(staff, id, 'revise')).body.status, 'draft');
    assert.equal((await agent.get(`/api/v1/kb/search?q=${q('物业服务收费标准在哪查')}`)).body.items.length, 0);
    assertProblem(await action(head, id, 'withdraw', {}), 400, '理由');
    assert.equal((await action(head, id, 'withdraw', { reason: '内容并入物业管理指南' })).body.status, 'withdrawn');
    assertProblem(await action(head, id, 'submit'), 409, '已撤回');
  });

  it('a head submits for the unit at once; an admin may do every step', async () => {
    const created = await head.post('/api/v1/kb/articles', { kind: 'duty', title: '市住建局受理哪些物业投诉', body: '市住房和城乡建设局受理物业服务企业违反合同约定、服务质量低劣等投诉。' });
    const submitted = await action(head, created.body.id, 'submit');
    assert.equal(submitted.body.status, 'pending_review');
    const events = await head.get(`/api/v1/kb/articles/${created.body.id}/events`);
    assert.equal(events.body.items[1].detail.approvedBySubmitter, true);
    const byAdmin = await admin.post('/api/v1/kb/articles', { kind: 'guide', title: '办事指南：物业备案', unitCode: 'ZJJ', body: '物业服务企业应在签订合同后30日内备案。' });
    for (const [name, body] of [['submit', {}], ['approve', { approve: true }], ['review', { pass: true }]] as const) await action(admin, byAdmin.body.id, name, body);
    assert.equal((await agent.get(`/api/v1/kb/articles/${byAdmin.body.id}`)).body.status, 'published');
  });

  it('gives a new policy 5 working days from taking effect to be entered, with yellow and red lights', async () => {
    const policy = await staff.post('/api/v1/kb/articles', {
      kind: 'policy',
      title: '住宅专项维修资金使用新规',
      effectiveFrom: '2026-03-02',
      source: { title: '牡丹江市住宅专项维修资金管理办法', docNo: '牡建规〔2026〕1号', issuer: '市住房和城乡建设局', date: '2026-02-27' },
      body: '使用住宅专项维修资金须经双三分之二以上业主同意。',
    });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    const id = policy.body.id;
    // 03-03 … 03-06, 03-09: the fifth working day ends at 24:00.
    assert.deepEqual(policy.body.entry, { startDate: '2026-03-02', dueAt: '2026-03-09T23:59:59+08:00', provisional: false, light: 'green', late: false });
    const old = await staff.post('/api/v1/kb/articles', { kind: 'policy', title: '既有住宅加装电梯办法', effectiveFrom: '2026-03-01', body: '加装电梯须经本单元三分之二以上业主同意。', entryRequired: true });
    assert.equal(old.body.entry.dueAt, '2026-03-06T23:59:59+08:00');

    t.clock.set('2026-03-06T02:00:00.000Z'); // Friday: the last day of the second one
    let todo = await staff.get('/api/v1/kb/todo');
    assert.equal(todo.status, 200);
    assert.deepEqual(todo.body.entries.map((e: any) => [e.id, e.entry.light]), [[old.body.id, 'yellow'], [id, 'green']]);
    assert.equal(todo.body.counts.entriesYellow, 1);
    assert.deepEqual((await otherStaff.get('/api/v1/kb/todo')).body.entries, []);

    t.clock.set('2026-03-10T02:00:00.000Z');
    todo = await head.get('/api/v1/kb/todo');
    assert.deepEqual(todo.body.entries.map((e: any) => e.entry.light), ['red', 'red']);
    assert.equal(todo.body.counts.entriesRed, 2);
    const list = await staff.get('/api/v1/kb/articles?entryPending=true');
    assert.equal(list.body.total, 2);
    assert.ok(list.body.items.every((a: any) => a.entry.light === 'red' && a.entry.late));

    // Entered late: the light goes, the lateness stays.
    await action(head, id, 'submit');
    assert.equal((await centre.get('/api/v1/kb/todo')).body.reviews.some((a: any) => a.id === id), true);
    const done = await action(centre, id, 'review', { pass: true });
    assert.equal(done.body.entry.light, null);
    assert.equal(done.body.entry.late, true);
  });

  it('records a direct answer on the article it used, and refuses articles not published or not in force', async () => {
    const article = await admin.post('/api/v1/kb/articles', { kind: 'faq', title: '供暖期室温标准是多少', unitCode: 'RDGS', expiresOn: '2026-04-15', body: '供暖期内居民室温不低于18℃。' });
    const id = article.body.id;
    for (const [name, body] of [['submit', {}], ['approve', { approve: true }], ['review', { pass: true }]] as const) await action(admin, id, name, body);
    const consultation = intakeBody({ type: 'consultation', disposition: 'direct_answer', facts: '咨询供暖期室温标准', answer: { content: '供暖期室温不低于18℃', articleId: String(id) } });
    const ticket = await agent.post('/api/v1/tickets', consultation);
    assert.equal(ticket.status, 201, JSON.stringify(ticket.body));
    assert.equal(ticket.body.status, 'answered');
    const used = await centre.get(`/api/v1/kb/articles/${id}`);
    assert.equal(used.body.uses, 1);
    assert.ok(used.body.lastUsedAt);
    const events = await centre.get(`/api/v1/kb/articles/${id}/events`);
    assert.equal(events.body.items.at(-1).action, 'kb_use');
    assert.equal(events.body.items.at(-1).detail.ticketNo, ticket.body.no);
    const stats = await centre.get('/api/v1/kb/stats');
    assert.equal(stats.body.topUsed[0].id, id);

    const draft = await staff.post('/api/v1/kb/articles', { kind: 'faq', title: '未发布的问答', body: '内容待审核。' });
    const before = await tableCounts(t.ctx);
    assertProblem(await agent.post('/api/v1/tickets', { ...consultation, answer: { content: '…', articleId: String(draft.body.id) } }), 400, '未发布');
    assertProblem(await agent.post('/api/v1/tickets', { ...consultation, answer: { content: '…', articleId: '999999' } }), 400, '知识条目');
    assertProblem(await agent.post('/api/v1/tickets', { ...consultation, answer: { content: '…', articleId: 'abc' } }), 400, '知识条目');
    assert.deepEqual(await tableCounts(t.ctx), before, 'a refused direct answer changes nothing');

    t.clock.set('2026-04-16T02:00:00.000Z');
    assertProblem(await agent.post('/api/v1/tickets', consultation), 400, '有效期');
    assert.equal((await agent.get(`/api/v1/kb/articles/${id}`)).body.status, 'expired');
    // Without an article the direct answer works as before.
    assert.equal((await agent.post('/api/v1/tickets', { ...consultation, answer: { content: '已解答' } })).status, 201);
  });

  it('routes an agent’s 纠错 report to the owning unit, which accepts or rejects it once', async () => {
    const article = await staff.post('/api/v1/kb/articles', { kind: 'guide', title: '物业服务合同备案办事指南', body: '物业服务企业应在签订合同后30日内到所在城区住建部门备案。\n备案需提交物业服务合同和营业执照复印件。' });
    const id = article.body.id;
    assertProblem(await agent.post(`/api/v1/kb/articles/${id}/reports`, { content: '未发布' }), 404);
    await action(staff, id, 'submit');
    await action(head, id, 'approve', { approve: true });
    await action(centre, id, 'review', { pass: true });

    assertProblem(await agent.post(`/api/v1/kb/articles/${id}/reports`, { content: '' }), 400, '内容');
    assertProblem(await agent.post(`/api/v1/kb/articles/${id}/reports`, { content: '期限写错了', passageSeq: 99 }), 400, '段落');
    assertProblem(await staff.post(`/api/v1/kb/articles/${id}/reports`, { content: '自己报自己' }), 403);
    const outboxBefore = Number((await t.ctx.store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const report = await agent.post(`/api/v1/kb/articles/${id}/reports`, { content: '备案期限现为15日，条目写的是30日，请核实更正。', passageSeq: 0 });
    assert.equal(report.status, 201, JSON.stringify(report.body));
    const sms = await t.ctx.store.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    assert.equal(Number((await t.ctx.store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), outboxBefore + 1);
    assert.deepEqual(JSON.parse(sms.payload), { to: t.ctx.org.byCodeOrUndefined('ZJJ')!.smsPhone, template: 'kb_notice', params: { title: '物业服务合同备案办事指南', matter: '收到纠错反馈' } });

    const unitList = await staff.get('/api/v1/kb/reports?status=open');
    assert.deepEqual(unitList.body.items.map((r: any) => [r.id, r.article.id, r.unit.code, r.passageSeq]), [[report.body.id, id, 'ZJJ', 0]]);
    assert.deepEqual((await otherStaff.get('/api/v1/kb/reports')).body.items, []);
    assert.equal((await agent.get('/api/v1/kb/reports')).body.items.length, 1, 'the agent sees what they reported');
    assert.equal((await staff.get(`/api/v1/kb/articles/${id}`)).body.openReports, 1);
    assert.equal((await head.get('/api/v1/kb/todo')).body.counts.reports, 1);

    assertProblem(await otherStaff.post(`/api/v1/kb/reports/${report.body.id}/resolve`, { accept: true, note: '已改' }), 404);
    assertProblem(await agent.post(`/api/v1/kb/reports/${report.body.id}/resolve`, { accept: true, note: '已改' }), 403);
    assertProblem(await staff.post(`/api/v1/kb/reports/${report.body.id}/resolve`, { accept: true }), 400, '说明');
    const resolved = await staff.post(`/api/v1/kb/reports/${report.body.id}/resolve`, { accept: true, note: '已核实，将修订条目' });
    assert.deepEqual(resolved.body, { id: report.body.id, status: 'accepted' });
    assertProblem(await head.post(`/api/v1/kb/reports/${report.body.id}/resolve`, { accept: false, note: '重复处理' }), 409, '已处理');
    const events = await staff.get(`/api/v1/kb/articles/${id}/events`);
    assert.deepEqual(events.body.items.slice(-2).map((e: any) => [e.action, e.actor.role]), [['kb_report', 'agent'], ['kb_report_resolve', 'unit_staff']]);
    assert.ok(!JSON.stringify(events.body.items.at(-2).detail).includes('30日'), 'the audit detail holds ids, not the report text');
  });

  it('lists articles by role: a unit its own in every state, agents only published ones', async () => {
    const mine = await staff.get('/api/v1/kb/articles?pageSize=100');
    assert.ok(mine.body.items.length > 0 && mine.body.items.every((a: any) => a.unit.code === 'ZJJ'));
    assert.ok(mine.body.items.some((a: any) => a.status === 'draft'));
    const agents = await agent.get('/api/v1/kb/articles?pageSize=100');
    assert.ok(agents.body.items.every((a: any) => a.status === 'published' || a.status === 'expired'));
    const centres = await centre.get('/api/v1/kb/articles?status=draft,withdrawn');
    assert.ok(centres.body.items.every((a: any) => a.status === 'draft' || a.status === 'withdrawn'));
    assertProblem(await centre.get('/api/v1/kb/articles?status=lost'), 400, '状态');
    const meta = await agent.get('/api/v1/kb/meta');
    assert.deepEqual(meta.body.kinds.map((k: any) => k.label), ['政策法规', '部门职能', '便民问答', '办事指南', '民生热点']);
  });
});
