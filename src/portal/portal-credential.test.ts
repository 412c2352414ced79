// 好差评 on the portal must come from the requester, and only on a reply the centre accepted, through
// the HTTP API on both engines: a unit user (who sees the phone's last four digits) and a script
// holding those digits cannot rate, a staff session is refused on the rating route even with a
// valid code, the requester with the SMS code can; wrong codes, resends and expired codes are
// limited; the code never reaches staff views of the outbox, the SMS log or the ticket history; the
// portal hides a reply the centre has not reviewed or has rejected, and every rating names an
// accepted reply.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, startTestApp, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, setClock, signAndReply } from '../../test/support/handling.ts';
import { relayOnce } from '../outbox/relay.ts';
import type { SmsMessage } from '../outbox/outbox.ts';

describeEachEngine('portal 好差评 credential', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  const call = async (method: 'GET' | 'POST', url: string, payload?: object, ip = '10.1.0.1', headers: Record<string, string> = {}) => {
    const res = await t.app.inject({ method, url, remoteAddress: ip, headers, ...(payload ? { payload } : {}) });
    let body: any = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body, headers: res.headers };
  };
  const tokenOf = async (username: string) =>
    (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'test-password' } })).json().token as string;
  /** The codes the outbox holds for a ticket, newest last, as the SMS gateway would receive them. */
  const codesSent = async (no: string): Promise<string[]> => {
    const rows = await t.ctx.store.db.selectFrom('outbox').select('payload').where('topic', '=', 'sms').orderBy('id').execute();
    return rows
      .map((r) => JSON.parse(r.payload) as SmsMessage)
      .filter((m) => (m.template as string) === 'portal_code' && m.params.ticketNo === no)
      .map((m) => m.params.code!);
  };
  const ratings = () => t.ctx.store.db.selectFrom('portal_ratings').selectAll().execute();
  /** A ticket whose reply the centre accepted in review (待回访). */
  const accepted = async (phone: string) => {
    const created = await newTicket(t, { requester: { kind: 'person', name: '孙八', phone } });
    await signAndReply(t, created.no);
    await ok(t, 'centre1', created.no, 'review', { pass: true });
    return created.no as string;
  };

  it('a unit user and a script holding the last four digits cannot rate; a staff session is refused; the requester with the SMS code can', async () => {
    setClock(t, '2026-03-02T09:00');
    const no = await accepted('13900005603');
    // The unit sees the digits the old credential asked for.
    const unitView = (await (await t.as('zjj.staff')).get(`/api/v1/tickets/${no}`)).body;
    assert.equal(unitView.requester.phone, '139****5603');
    const last4 = unitView.requester.phone.slice(-4);
    const before = (await ratings()).length;

    const script = await call('POST', '/api/v1/public/portal/rate', { no, phoneLast4: last4, level: 'very_satisfied' }, '10.1.0.2');
    assert.equal(script.status, 400, JSON.stringify(script.body));
    const staffBearer = { authorization: `Bearer ${await tokenOf('zjj.staff')}` };
    const staff = await call('POST', '/api/v1/public/portal/rate', { no, phoneLast4: last4, level: 'very_satisfied' }, '10.1.0.3', staffBearer);
    assert.equal(staff.status, 403, JSON.stringify(staff.body));
    assert.equal((await ratings()).length, before, 'nothing rated');

    // The requester asks for a code; it goes to the phone on the ticket through the outbox.
    const sent = await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: last4 }, '10.1.0.4');
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const [code] = await codesSent(no);
    assert.match(code!, /^\d{6}$/);
    assert.doesNotMatch(JSON.stringify(sent.body), new RegExp(code!));
    const row = (await t.ctx.store.db.selectFrom('outbox').select('payload').where('topic', '=', 'sms').orderBy('id', 'desc').executeTakeFirstOrThrow()).payload;
    assert.equal((JSON.parse(row) as SmsMessage).to, '13900005603');
    // Stored hashed: no column of the code table holds the code.
    const stored = await t.ctx.store.db.selectFrom('portal_codes').selectAll().execute();
    assert.ok(stored.length > 0);
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(`"${code}"|:${code}\\b`));

    // A staff session is refused on the rating route even holding the right code, bearer or console cookie.
    const withBearer = await call('POST', '/api/v1/public/portal/rate', { no, code, level: 'very_satisfied' }, '10.1.0.5', staffBearer);
    assert.equal(withBearer.status, 403);
    assert.match(withBearer.body.title, /工作人员/);
    const withCookie = await call('POST', '/api/v1/public/portal/rate', { no, code, level: 'very_satisfied' }, '10.1.0.5', { cookie: `hotline_session=${await tokenOf('centre1')}` });
    assert.equal(withCookie.status, 403);
    assert.equal((await ratings()).length, before);

    const rated = await call('POST', '/api/v1/public/portal/rate', { no, code, level: 'very_unsatisfied', comment: '楼道仍未清理' }, '10.1.0.6');
    assert.equal(rated.status, 201, JSON.stringify(rated.body));
    assert.equal(rated.body.reviewOpened, true);
    // Used up: the same code does not rate twice (and 一事一评 holds anyway).
    const again = await call('POST', '/api/v1/public/portal/rate', { no, code, level: 'satisfied' }, '10.1.0.6');
    assert.equal(again.status, 400);
    assert.match(again.body.title, /已使用/);
    assert.equal((await ratings()).length, before + 1);

    // Once delivered, the outbox keeps no code; the staff views of the SMS log and the history never show it.
    const recorded: SmsMessage[] = [];
    await relayOnce(t.ctx, { send: async (m) => void recorded.push(m) });
    assert.ok(recorded.some((m) => m.params.code === code), 'the gateway got the code');
    const payloads = (await t.ctx.store.db.selectFrom('outbox').select('payload').execute()).map((r) => r.payload).join('\n');
    assert.doesNotMatch(payloads, new RegExp(code!));
    const centre = await t.as('centre1');
    for (const url of ['/api/v1/sms/deliveries', `/api/v1/tickets/${no}`, `/api/v1/tickets/${no}/events`]) {
      const res = await centre.get(url);
      assert.equal(res.status, 200, url);
      assert.doesNotMatch(JSON.stringify(res.body), new RegExp(code!), url);
    }
    const events = (await t.ctx.store.db.selectFrom('events').select('detail').execute()).map((e) => e.detail ?? '').join('\n');
    assert.doesNotMatch(events, new RegExp(`"${code}"`));
  });

  it('wrong codes are limited: five tries per code, a resend waits, few codes per hour, a code expires', async () => {
    setClock(t, '2026-03-03T09:00');
    const no = await accepted('13900006604');
    const ip = '10.1.1.1';
    const before = (await ratings()).length;
    assert.equal((await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '6604' }, ip)).status, 202);
    const [code] = await codesSent(no);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) {
      const res = await call('POST', '/api/v1/public/portal/rate', { no, code: wrong, level: 'satisfied' }, `10.1.1.${10 + i}`);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.errors[0].field, 'code');
      assert.match(res.body.title, /验证码/);
    }
    // Spent by the wrong tries: the right code no longer rates.
    const spent = await call('POST', '/api/v1/public/portal/rate', { no, code, level: 'satisfied' }, '10.1.1.20');
    assert.equal(spent.status, 400);
    assert.match(spent.body.title, /重新获取/);
    assert.equal((await ratings()).length, before, 'nothing rated');

    // A resend within the minute is held off; later ones are counted per ticket, from any address.
    const resend = await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '6604' }, ip);
    assert.equal(resend.status, 429);
    assert.equal(resend.headers['retry-after'], String(resend.body.retryAfterSeconds));
    assert.ok(resend.body.retryAfterSeconds > 0 && resend.body.retryAfterSeconds <= 60);
    t.clock.advance(61_000);
    assert.equal((await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '6604' }, '10.1.1.30')).status, 202);
    t.clock.advance(61_000);
    assert.equal((await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '6604' }, '10.1.1.31')).status, 202);
    t.clock.advance(61_000);
    const fourth = await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '6604' }, '10.1.1.32');
    assert.equal(fourth.status, 429, 'three codes per ticket per hour');
    assert.equal(fourth.headers['retry-after'], String(fourth.body.retryAfterSeconds));
    const codes = await codesSent(no);
    assert.equal(codes.length, 3);

    // Only the newest code counts, and only for ten minutes.
    assert.equal((await call('POST', '/api/v1/public/portal/rate', { no, code: codes[1], level: 'satisfied' }, '10.1.1.40')).status, 400);
    t.clock.advance(11 * 60_000);
    const expired = await call('POST', '/api/v1/public/portal/rate', { no, code: codes[2], level: 'satisfied' }, '10.1.1.41');
    assert.equal(expired.status, 400);
    assert.match(expired.body.title, /过期|重新获取/);
    // An hour after the first: a fresh code rates.
    t.clock.advance(50 * 60_000);
    assert.equal((await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '6604' }, '10.1.1.42')).status, 202);
    const fresh = (await codesSent(no)).at(-1)!;
    assert.equal((await call('POST', '/api/v1/public/portal/rate', { no, code: fresh, level: 'satisfied' }, '10.1.1.43')).status, 201);
  });

  it('the portal hides an unreviewed or rejected reply and opens rating only on an accepted one', async () => {
    setClock(t, '2026-03-04T09:00');
    const created = await newTicket(t, { requester: { kind: 'person', name: '周九', phone: '13900007705' } });
    const no = created.no as string;
    const ip = '10.1.2.1';
    await signAndReply(t, no); // 待审核: the centre has not reviewed it
    let tracked = await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: '7705' }, ip);
    assert.equal(tracked.status, 200);
    assert.deepEqual(tracked.body.replies, []);
    assert.equal(tracked.body.canRate, false);
    const early = await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '7705' }, ip);
    assert.equal(early.status, 409);
    assert.deepEqual(await codesSent(no), [], 'no SMS for a ticket that cannot be rated');

    await ok(t, 'centre1', no, 'review', { pass: false, note: '答复未说明处理结果' });
    tracked = await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: '7705' }, ip);
    assert.deepEqual(tracked.body.replies, [], 'a rejected reply is not published');
    assert.equal(tracked.body.canRate, false);

    await ok(t, 'zjj.staff', no, 'reply', { content: '补充答复：已督促物业于3月5日前清理完毕。' });
    tracked = await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: '7705' }, ip);
    assert.deepEqual(tracked.body.replies, []);
    await ok(t, 'centre1', no, 'review', { pass: true });
    tracked = await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: '7705' }, ip);
    assert.deepEqual(tracked.body.replies.map((r: any) => r.content), ['补充答复：已督促物业于3月5日前清理完毕。']);
    assert.equal(tracked.body.canRate, true);

    assert.equal((await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '7705' }, ip)).status, 202);
    const code = (await codesSent(no)).at(-1)!;
    assert.equal((await call('POST', '/api/v1/public/portal/rate', { no, code, level: 'satisfied' }, ip)).status, 201);

    // Every rating names the reply it rates, and that reply is one the centre accepted.
    const all = await t.ctx.store.db
      .selectFrom('portal_ratings as r')
      .leftJoin('submissions as s', 's.id', 'r.submission_id')
      .select(['r.ticket_id', 's.review', 's.ticket_id as reply_ticket', 's.content'])
      .execute();
    assert.ok(all.length >= 3);
    for (const r of all) {
      assert.equal(r.review, 'accepted');
      assert.equal(Number(r.reply_ticket), Number(r.ticket_id));
    }
    const mine = all.find((r) => r.content === '补充答复：已督促物业于3月5日前清理完毕。');
    assert.ok(mine, 'the rating is on the accepted second reply');
  });
});
