// Importing a year's notice recomputes every deadline over the changed days, through the HTTP API:
// a finished duty's 超期 flag, a 督办 item's deadline and its reply's lateness, a 差评 review's
// stage deadline, the open duties; the answer counts them, one audit event records it, a failure
// midway leaves everything as it was, and the window bounds how far back finished records move.
//
// 2027 has no official arrangement yet, so until the import it counts Monday to Friday:
//   X  2027-01-04 Mon 09:00  物业投诉 → 住建局; sign due 01-05 24:00, signed 01-06 10:00 (late); reply open
//   Y  2027-01-04 Mon 09:30  signed, replied, review passed; callback 01-04 10:00 不满意 → 差评 review,
//                            verify due 01-05 24:00 (1 working day), not verified yet
//   S  2027-01-04 Mon 09:00  共性问题督办 to 住建局, 5 working days: due 01-11 24:00; replied 01-12 10:00 (late)
// The notice makes 01-05 a holiday: X's signature is due 01-06 24:00 (on time), the review's
// verification 01-06 24:00, the item 01-12 24:00 (its reply on time).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { describeEachEngine, startTestApp, tableCounts, type Client, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, setClock, signAndReply, view } from '../../test/support/handling.ts';

const NOTICE = { holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-05', name: '元旦' }], workdays: [], note: '国务院办公厅关于2027年部分节假日安排的通知' };

describeEachEngine('calendar import recomputes every deadline over the changed days', (engine) => {
  let t: TestApp;
  let admin: Client;
  let x: string;
  let y: string;
  let itemId: number;
  let reviewId: number;

  const sign = async () => (await view(t, x)).duties.find((d: any) => d.kind === 'sign');
  const xReply = async () => (await view(t, x)).duties.find((d: any) => d.kind === 'reply');
  const item = async () => (await admin.get(`/api/v1/supervision/items/${itemId}`)).body;
  const review = async () => (await (await t.as('centre1')).get(`/api/v1/ratings/reviews/${reviewId}`)).body;
  const importEvents = async () =>
    Number((await t.ctx.store.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'calendar_import').executeTakeFirstOrThrow()).n);
  const snapshot = async () => ({
    sign: await sign(),
    reply: await xReply(),
    item: await item(),
    review: await review(),
    official: (await admin.get('/api/v1/calendar/years/2027')).body.official,
    counts: await tableCounts(t.ctx),
    imports: await importEvents(),
  });

  before(async () => {
    t = await startTestApp(engine, { now: '2027-01-04T01:00:00.000Z' }); // Monday 09:00 in Shanghai
    admin = await t.as('admin');
    x = (await newTicket(t)).no;
    const created = await (await t.as('authority1')).post('/api/v1/supervision/items', { kind: 'common', unitCode: 'ZJJ', matter: '小区物业服务不到位的共性问题，请提出解决办法' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    itemId = created.body.id;
    setClock(t, '2027-01-04T09:30');
    y = (await newTicket(t)).no;
    await signAndReply(t, y);
    await ok(t, 'centre1', y, 'review', { pass: true });
    setClock(t, '2027-01-04T10:00');
    await ok(t, 'centre1', y, 'callback', { reached: true, satisfaction: 'unsatisfied', words: '物业还是不管', reasonable: false });
    reviewId = (await (await t.as('centre1')).get(`/api/v1/ratings/reviews?ticketNo=${y}`)).body.items[0].id;
    setClock(t, '2027-01-06T10:00');
    await ok(t, 'zjj.staff', x, 'sign');
    setClock(t, '2027-01-12T10:00');
    const replied = await (await t.as('zjj.staff')).post(`/api/v1/supervision/items/${itemId}/reply`, { content: '已制定物业服务考核办法，下月起执行' });
    assert.equal(replied.status, 200, JSON.stringify(replied.body));
    setClock(t, '2027-01-12T11:00');
  });
  after(() => t.close());

  it('before the notice: the deadlines count 01-05 as a working day', async () => {
    const s = await sign();
    assert.equal(s.dueAt, '2027-01-05T23:59:59+08:00');
    assert.equal(s.status, 'done');
    assert.equal(s.late, true);
    assert.equal(s.provisional, true);
    const i = await item();
    assert.equal(i.dueAt, '2027-01-11T23:59:59+08:00');
    assert.equal(i.reply.late, true);
    const r = await review();
    assert.equal(r.verify.dueAt, '2027-01-05T23:59:59+08:00');
    assert.equal(r.provisional, true);
  });

  it('bad input changes nothing', async () => {
    const before = await snapshot();
    const res = await admin.post('/api/v1/calendar/years/2027/import', { holidays: [{ date: '2027-01-05' }, { date: '2027-02-30' }], workdays: [] });
    assert.equal(res.status, 400);
    assert.match(res.body.title, /2027-02-30/);
    assert.deepEqual(await snapshot(), before);
  });

  it('a failure midway (the last table refuses its update) rolls the whole import back', async () => {
    const before = await snapshot();
    const db = t.ctx.store.db;
    if (engine === 'sqlite') {
      await sql`create trigger refuse_reviews before update on rating_reviews begin select raise(abort, 'refused for the test'); end`.execute(db);
    } else {
      await sql`create function refuse_reviews() returns trigger language plpgsql as $$ begin raise exception 'refused for the test'; end $$`.execute(db);
      await sql`create trigger refuse_reviews before update on rating_reviews for each row execute function refuse_reviews()`.execute(db);
    }
    try {
      const res = await admin.post('/api/v1/calendar/years/2027/import', NOTICE);
      assert.equal(res.status, 500, JSON.stringify(res.body));
    } finally {
      await sql`drop trigger refuse_reviews${engine === 'sqlite' ? sql`` : sql` on rating_reviews`}`.execute(db);
      if (engine === 'postgres') await sql`drop function refuse_reviews()`.execute(db);
    }
    // Duties and the item were updated before the refusal: none of it, nor the notice, is kept.
    await t.ctx.calendar.reload();
    assert.deepEqual(await snapshot(), before);
  });

  it('the notice moves the finished duty’s 超期 flag, the item, the review and the open duties; the answer counts them; one audit event', async () => {
    const imports = await importEvents();
    const res = await admin.post('/api/v1/calendar/years/2027/import', NOTICE);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const s = res.body.recomputed;
    // Finished: X's signature (late → on time), Y's signature and reply (their deadlines move, still on time).
    // Open: X's reply. The item (its reply late → on time) and Y's review.
    assert.deepEqual(
      { open: s.openDuties, finished: s.finishedDuties, late: s.lateFlags, items: s.supervisionItems, reviews: s.ratingReviews, total: s.total, more: s.more },
      { open: 1, finished: 3, late: 2, items: 1, reviews: 1, total: 6, more: 0 },
    );
    assert.equal(res.body.recomputedDeadlines, 6);
    assert.equal(s.fromDate, '2027-01-01');
    assert.equal(s.finishedWindowDays, 92);
    assert.equal(s.changed.length, 6);
    const xSign = s.changed.find((c: any) => c.kind === 'finished_duty' && c.ticketNo === x);
    assert.deepEqual(xSign, { kind: 'finished_duty', id: xSign.id, ticketNo: x, what: 'sign', dueFrom: '2027-01-05T23:59:59+08:00', dueTo: '2027-01-06T23:59:59+08:00', lateFrom: true, lateTo: false });
    assert.deepEqual(s.changed.find((c: any) => c.kind === 'supervision_item'), {
      kind: 'supervision_item', id: itemId, ticketNo: null, what: 'reply', dueFrom: '2027-01-11T23:59:59+08:00', dueTo: '2027-01-12T23:59:59+08:00', lateFrom: true, lateTo: false,
    });
    assert.deepEqual(s.changed.find((c: any) => c.kind === 'rating_review'), {
      kind: 'rating_review', id: reviewId, ticketNo: y, what: 'verify', dueFrom: '2027-01-05T23:59:59+08:00', dueTo: '2027-01-06T23:59:59+08:00',
    });

    const signed = await sign();
    assert.equal(signed.dueAt, '2027-01-06T23:59:59+08:00');
    assert.equal(signed.late, false);
    assert.equal(signed.provisional, false);
    const i = await item();
    assert.equal(i.dueAt, '2027-01-12T23:59:59+08:00');
    assert.equal(i.reply.late, false);
    assert.equal(i.provisional, false);
    const r = await review();
    assert.equal(r.verify.dueAt, '2027-01-06T23:59:59+08:00');
    assert.equal(r.dueAt, '2027-01-06T23:59:59+08:00');
    assert.equal(r.provisional, false);
    assert.equal((await xReply()).provisional, false);

    // One audit event, carrying the summary.
    assert.equal(await importEvents(), imports + 1);
    const event = await t.ctx.store.db.selectFrom('events').select(['detail', 'user_id']).where('action', '=', 'calendar_import').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const detail = JSON.parse(event.detail!);
    assert.equal(detail.year, 2027);
    assert.equal(detail.recomputed.lateFlags, 2);
    assert.equal(detail.recomputed.total, 6);
    assert.equal(detail.recomputed.changed.length, 6);
    assert.ok(event.user_id != null);

    // Importing the same notice again moves nothing.
    const again = await admin.post('/api/v1/calendar/years/2027/import', NOTICE);
    assert.equal(again.status, 200);
    assert.equal(again.body.recomputed.total, 0);
  });

  it('finished records older than the window keep the deadline they were judged by; open ones always move', async () => {
    const city = t.ctx.city;
    // One day: X's signature (done 01-06) is outside it, the item's reply (01-12 10:00) inside.
    t.ctx.city = { ...city, calendar: { recomputeFinishedDays: 1 } };
    try {
      const res = await admin.post('/api/v1/calendar/years/2027/import', { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const s = res.body.recomputed;
      assert.equal(s.finishedWindowDays, 1);
      assert.deepEqual({ open: s.openDuties, finished: s.finishedDuties, late: s.lateFlags, items: s.supervisionItems }, { open: 1, finished: 0, late: 1, items: 1 });
      const signed = await sign();
      assert.equal(signed.dueAt, '2027-01-06T23:59:59+08:00');
      assert.equal(signed.late, false);
      const i = await item();
      assert.equal(i.dueAt, '2027-01-11T23:59:59+08:00');
      assert.equal(i.reply.late, true);
      // The review was updated on 01-04 and is still open: open reviews always move.
      assert.equal((await review()).verify.dueAt, '2027-01-05T23:59:59+08:00');
    } finally {
      t.ctx.city = city;
    }
  });
});
