// 第十九条 谁提供、谁审核 for imports: a bulletin the centre imports for a unit waits for that unit head's
// approval (not searched, not answered, not public) under the 5-working-day entry limit, through the
// HTTP API on both engines; and the entry deadline as a table over weekends, holidays and 调休 days.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEachEngine, startTestApp, type Client, type TestApp } from '../../test/support/app.ts';
import { lastOutboxId, outboxSince, setClock, shown } from '../../test/support/handling.ts';
import { SEED_BULLETIN_DIR } from './import.ts';
import { entryDeadlineOf } from './model.ts';
import { kbUpkeepCounts } from '../evaluation/kb-upkeep.ts';
import { WorkCalendar } from '../domain/calendar.ts';
import { officialCalendarData } from '../domain/official-holidays.ts';
import { formatShanghai, parseInstant } from '../domain/deadline.ts';
import { mudanjiang } from '../config/cities/mudanjiang.ts';
const DEFAULT_LIMITS = mudanjiang.limits;

const official = new WorkCalendar(officialCalendarData());

describe('the entry deadline of 第十九条 (limit kb.entry, 5 working days)', () => {
  const cases: Array<[string, { origin: string; effective: string | null; source?: string | null; created: string }, string | null]> = [
    // [why, article, due]
    ['a unit’s own policy: from the day it takes effect, over a weekend', { origin: 'manual', effective: '2026-03-06', created: '2026-03-20T10:00:00+08:00' }, '2026-03-13T23:59:59+08:00'],
    ['without an effective date, from the document’s date', { origin: 'manual', effective: null, source: '2026-03-06', created: '2026-03-06T10:00:00+08:00' }, '2026-03-13T23:59:59+08:00'],
    ['written late, the clock does not restart', { origin: 'manual', effective: '2026-09-29', created: '2026-10-20T10:00:00+08:00' }, '2026-10-12T23:59:59+08:00'],
    ['imported for a unit after it took effect: from the import, over 国庆 and the 调休 Saturday 10-10', { origin: 'bulletin', effective: '2023-06-09', created: '2026-09-29T10:00:00+08:00' }, '2026-10-12T23:59:59+08:00'],
    ['imported before it takes effect: from the day it takes effect', { origin: 'bulletin', effective: '2026-10-09', created: '2026-09-29T10:00:00+08:00' }, '2026-10-15T23:59:59+08:00'],
    ['imported over 春节: the 调休 Saturday 2-14 counts, the holidays do not', { origin: 'bulletin', effective: '2026-01-05', created: '2026-02-13T10:00:00+08:00' }, '2026-02-27T23:59:59+08:00'],
    ['no date at all: no deadline', { origin: 'manual', effective: null, created: '2026-03-06T10:00:00+08:00' }, null],
  ];
  for (const [why, a, due] of cases) {
    it(why, () => {
      const d = entryDeadlineOf({ origin: a.origin, effective_from: a.effective, source_date: a.source ?? null, created_at: parseInstant(a.created)! }, DEFAULT_LIMITS['kb.entry'], official);
      assert.equal(d ? formatShanghai(d.dueAt) : null, due);
    });
  }

  it('the limit is the city’s: a city with 3 working days gets an earlier deadline', () => {
    const d = entryDeadlineOf({ origin: 'manual', effective_from: '2026-03-06', source_date: null, created_at: parseInstant('2026-03-06T10:00:00+08:00')! }, { unit: 'working_days', amount: 3 }, official);
    assert.equal(formatShanghai(d!.dueAt), '2026-03-11T23:59:59+08:00');
    assert.deepEqual(DEFAULT_LIMITS['kb.entry'], { unit: 'working_days', amount: 5 });
  });
});

const seed = (name: string) => readFileSync(join(SEED_BULLETIN_DIR, name), 'utf8');
const q = (text: string) => encodeURIComponent(text);
const GUIDE = '全城通办'; // 《牡丹江市城区个体工商户营业执照“全城通办”实施方案》 in bulletin 001

describeEachEngine('a bulletin imported for a unit waits for its head (第十九条)', (engine) => {
  let t: TestApp;
  let centre: Client;
  let agent: Client;
  let created: Array<{ id: number; title: string; status: string; unit: string }>;
  const publicGet = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  const guideId = () => created.find((c) => c.title.includes(GUIDE))!.id;
  const searchHits = async (client: Client) => (await client.get(`/api/v1/kb/search?q=${q('个体工商户全城通办')}`)).body.items.some((h: any) => h.article.id === guideId());

  before(async () => {
    t = await startTestApp(engine);
    centre = await t.as('centre1');
    agent = await t.as('agent1');
  });
  after(() => t.close());

  it('refuses an unknown unit with a Chinese message naming the field, and changes nothing', async () => {
    const n = async () => Number((await t.ctx.store.db.selectFrom('kb_articles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await n();
    const res = await centre.post('/api/v1/kb/import', { text: seed('001_709fe254827a9a67.txt'), unitCode: 'NOPE' });
    assert.equal(res.status, 400);
    assert.match(res.body.title, /单位/);
    assert.equal(res.body.errors?.[0]?.field ?? 'unitCode', 'unitCode');
    assert.equal(await n(), before);
  });

  it('imports every document pending the unit head’s approval, with a 5-working-day entry deadline, and tells the unit', async () => {
    setClock(t, '2026-09-29T10:00'); // Tuesday before 国庆
    const sms = await lastOutboxId(t);
    const res = await centre.post('/api/v1/kb/import', { text: seed('001_709fe254827a9a67.txt'), unitCode: 'ZJJ' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    created = res.body.created;
    assert.equal(created.length, 9);
    assert.ok(created.every((c) => c.status === 'pending_approval' && c.unit === 'ZJJ'), JSON.stringify(created));

    const article = await (await t.as('zjj.head')).get(`/api/v1/kb/articles/${guideId()}`);
    assert.equal(article.status, 200);
    assert.equal(article.body.status, 'pending_approval');
    assert.equal(article.body.publishedAt, null);
    assert.equal(article.body.awaitsImportApproval, true);
    assert.deepEqual(article.body.entry, { startDate: '2026-09-29', dueAt: shown('2026-10-12T23:59:59'), provisional: false, light: 'green', late: false });
    assert.ok(article.body.actions.includes('approve'));
    const events = await (await t.as('zjj.head')).get(`/api/v1/kb/articles/${guideId()}/events`);
    assert.deepEqual(events.body.items.map((e: any) => [e.action, e.toStatus]), [['kb_import', 'pending_approval']]);

    const texts = (await outboxSince(t, sms)).filter((m) => m.topic === 'sms' && m.payload.template === 'kb_notice');
    assert.equal(texts.length, 1, 'one SMS for the import');
    assert.equal(texts[0].payload.to, t.ctx.org.byCodeOrUndefined('ZJJ')!.smsPhone);
    const bell = await (await t.as('zjj.staff')).get('/api/v1/supervision/notifications');
    assert.ok(bell.body.items.some((n: any) => /待单位负责人审核/.test(n.title)), JSON.stringify(bell.body));
    const todo = await (await t.as('zjj.head')).get('/api/v1/kb/todo');
    assert.equal(todo.body.counts.approvals, 9);
  });

  it('is not searched, answered or public before the head approves', async () => {
    assert.equal(await searchHits(agent), false);
    assert.equal(await searchHits(await t.as('zjj.head')), false);
    const pub = await publicGet(`/api/v1/public/kb/search?q=${q('个体工商户全城通办')}`);
    assert.equal(pub.status, 200);
    assert.ok(!pub.body.items.some((h: any) => h.article.id === guideId()));
    assert.equal((await publicGet(`/api/v1/public/kb/articles/${guideId()}`)).status, 404);
    assert.equal((await agent.get(`/api/v1/kb/articles/${guideId()}`)).status, 404);
    const answer = await agent.get(`/api/v1/kb/answer?q=${q('个体工商户营业执照可以在城区任一大厅办理吗')}`);
    assert.equal(answer.status, 200);
    assert.ok(!answer.body.passages.some((p: any) => p.articleId === guideId()), JSON.stringify(answer.body));
    assert.notEqual(answer.body.articleId, guideId());
  });

  it('only the head of that unit may approve: not its staff, not another unit’s head, not the centre or an admin', async () => {
    const id = guideId();
    for (const [user, status] of [['zjj.staff', 403], ['scjgj.head', 404], ['centre1', 403], ['admin', 403]] as const) {
      const res = await (await t.as(user)).post(`/api/v1/kb/articles/${id}/actions/approve`, { approve: true });
      assert.equal(res.status, status, `${user}: ${JSON.stringify(res.body)}`);
      assert.match(String(res.headers['content-type']), /problem\+json/);
    }
    // Nor may the unit take it off its entry list by withdrawing it.
    for (const user of ['zjj.staff', 'zjj.head']) {
      const res = await (await t.as(user)).post(`/api/v1/kb/articles/${id}/actions/withdraw`, { reason: '不想录入' });
      assert.equal(res.status, 403, `${user}: ${JSON.stringify(res.body)}`);
    }
    assert.equal((await (await t.as('zjj.head')).get(`/api/v1/kb/articles/${id}`)).body.status, 'pending_approval');
  });

  it('the head’s approval publishes it (searchable), a return sends it back as a draft; the rest turn overdue in the flags', async () => {
    setClock(t, '2026-10-09T10:00');
    const head = await t.as('zjj.head');
    let res = await head.post(`/api/v1/kb/articles/${guideId()}/actions/approve`, { approve: true, note: '核对无误' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const approved = (await head.get(`/api/v1/kb/articles/${guideId()}`)).body;
    assert.equal(approved.status, 'published');
    assert.equal(approved.entry.late, false);
    assert.equal(approved.entry.light, null);
    const events = (await head.get(`/api/v1/kb/articles/${guideId()}/events`)).body.items;
    assert.deepEqual(events.at(-1).action, 'kb_approve');
    assert.deepEqual([events.at(-1).actor.role, events.at(-1).actor.unit.code], ['unit_head', 'ZJJ']);
    assert.deepEqual([events.at(-1).fromStatus, events.at(-1).toStatus], ['pending_approval', 'published']);
    assert.equal(await searchHits(agent), true);
    const pub = await publicGet(`/api/v1/public/kb/articles/${guideId()}`);
    assert.equal(pub.status, 200);

    const returnedId = created.find((c) => c.id !== guideId())!.id;
    res = await head.post(`/api/v1/kb/articles/${returnedId}/actions/approve`, { approve: false });
    assert.equal(res.status, 400, 'a return needs a note');
    res = await head.post(`/api/v1/kb/articles/${returnedId}/actions/approve`, { approve: false, note: '非本单位实施的政策' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await head.get(`/api/v1/kb/articles/${returnedId}`)).body.status, 'draft');

    // Before the deadline nothing is overdue; after 24:00 of 10-12 the 8 unapproved ones are.
    setClock(t, '2026-10-12T23:00');
    assert.equal((await head.get('/api/v1/kb/flags')).body.items.filter((f: any) => f.reasons.includes('entry_overdue')).length, 0);
    setClock(t, '2026-10-13T09:00');
    const flags = (await head.get('/api/v1/kb/flags')).body.items.filter((f: any) => f.reasons.includes('entry_overdue'));
    assert.equal(flags.length, 8);
    assert.ok(flags.some((f: any) => f.id === returnedId && f.status === 'draft'));
    assert.ok(!flags.some((f: any) => f.id === guideId()));
    assert.ok(flags.every((f: any) => f.unit.code === 'ZJJ' && f.entry.light === 'red' && f.entry.dueAt === shown('2026-10-12T23:59:59')));
    assert.equal((await (await t.as('centre1')).get('/api/v1/kb/flags?unit=ZJJ')).body.items.filter((f: any) => f.reasons.includes('entry_overdue')).length, 8);
    assert.equal((await (await t.as('scjgj.head')).get('/api/v1/kb/flags')).body.items.filter((f: any) => f.reasons.includes('entry_overdue')).length, 0);
    assert.equal((await head.get(`/api/v1/kb/articles/${returnedId}`)).body.entry.light, 'red');

    // Approved late: published, and counted late.
    res = await head.post(`/api/v1/kb/articles/${created.find((c) => c.id !== guideId() && c.id !== returnedId)!.id}/actions/approve`, { approve: true });
    assert.equal(res.status, 200);

    // The monthly evaluation reads the same: 9 due in October for 住建局, 1 entered on time.
    const counts = await kbUpkeepCounts(t.ctx, { from: '2026-09-30T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' });
    const zjj = counts.get(t.ctx.org.byCodeOrUndefined('ZJJ')!.id)!;
    assert.deepEqual([zjj.kbDue, zjj.kbOnTime], [9, 1]);
  });

  it('the centre’s own import (no unit named) is published at once, as before', async () => {
    const res = await centre.post('/api/v1/kb/import', { text: seed('003_df724775bb38569d.txt') });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.created.length > 0 && res.body.created.every((c: any) => c.status === 'published'));
    const one = (await agent.get(`/api/v1/kb/articles/${res.body.created[0].id}`)).body;
    assert.equal(one.status, 'published');
    assert.equal(one.entry, null);
  });
});
