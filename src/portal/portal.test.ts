// The public portal and 好差评 through the HTTP API, on both engines: submission into 待派单 as a
// 网站 ticket with a photo, tracking (the same error for a wrong number and wrong digits; 429 after
// repeated failures), one rating per ticket with the SMS code only after the centre accepted the
// reply, the captcha (wrong or expired → 400, nothing written), and the 差评 review: verify →
// rectify → call back, appeal → decision, each deadline across a weekend, and the unit never seeing
// who rated. The credential itself is tested in ./portal-credential.test.ts.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachEngine, startTestApp, tableCounts, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, setClock, signAndReply } from '../../test/support/handling.ts';
import type { SmsMessage } from '../outbox/outbox.ts';
import { adoptPhotoFiles } from './photo-files.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

function solve(question: string): number {
  const m = /^(\d+) ([+−×]) (\d+) = \?$/.exec(question);
  assert.ok(m, `unexpected captcha ${question}`);
  const [a, b] = [Number(m[1]), Number(m[3])];
  return m[2] === '+' ? a + b : m[2] === '−' ? a - b : a * b;
}

describeEachEngine('public portal and 好差评', (engine) => {
  let t: TestApp;
  let dataDir: string;
  before(async () => {
    t = await startTestApp(engine);
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-portal-'));
    t.ctx.dataDir = dataDir;
  });
  after(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: 'GET' | 'POST', url: string, payload?: object, ip = '10.0.0.1') => {
    const res = await t.app.inject({ method, url, remoteAddress: ip, ...(payload ? { payload } : {}) });
    let body: any = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body, headers: res.headers, raw: res.rawPayload };
  };
  const captcha = async (ip = '10.0.0.1') => {
    const c = await call('GET', '/api/v1/public/portal/captcha', undefined, ip);
    assert.equal(c.status, 200);
    return { token: c.body.token as string, answer: String(solve(c.body.question)) };
  };
  /** Asks for the 好差评 code as the requester and reads it where the SMS gateway would get it: the outbox. */
  const smsCode = async (no: string, last4: string, ip: string) => {
    const sent = await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: last4 }, ip);
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const rows = await t.ctx.store.db.selectFrom('outbox').select('payload').where('topic', '=', 'sms').orderBy('id', 'desc').execute();
    const message = rows.map((r) => JSON.parse(r.payload) as SmsMessage).find((m) => (m.template as string) === 'portal_code' && m.params.ticketNo === no);
    return message!.params.code!;
  };
  const submission = (over: Record<string, unknown> = {}) => ({
    type: 'complaint',
    categoryCode: 'ZFWY-WY',
    facts: '小区楼道堆放杂物长期无人清理，存在消防隐患',
    address: '东安区新安街道光华小区5号楼',
    name: '王女士',
    phone: '13900001234',
    ...over,
  });

  it('a submission becomes a 网站 ticket waiting for dispatch, with its photo for staff and the requester', async () => {
    setClock(t, '2026-03-02T09:00');
    const page = await call('GET', '/portal');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /data-testid="captcha-question">\d+ [+−×] \d+ = \?</);
    assert.match(page.body, /物业/);

    const res = await call('POST', '/api/v1/public/portal/requests', { ...submission(), photos: [{ name: 'a.png', data: PNG.toString('base64') }], captcha: await captcha() });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'pending_dispatch');
    assert.equal(res.body.photos, 1);
    const centre = await t.as('centre1');
    const ticket = (await centre.get(`/api/v1/tickets/${res.body.no}`)).body;
    assert.equal(ticket.channel, 'web');
    assert.equal(ticket.status, 'pending_dispatch');
    assert.equal(ticket.requester.phone, '13900001234');
    const queue = await centre.get('/api/v1/tickets?status=pending_dispatch&pageSize=100');
    assert.ok(queue.body.items.some((i: any) => i.no === res.body.no));

    const photos = await centre.get(`/api/v1/portal/tickets/${res.body.no}/photos`);
    assert.equal(photos.body.items.length, 1);
    const file = await t.app.inject({ method: 'GET', url: photos.body.items[0].url, headers: { authorization: `Bearer ${(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'centre1', password: 'test-password' } })).json().token}` } });
    assert.equal(file.statusCode, 200);
    assert.deepEqual(file.rawPayload, PNG);
    // A unit without a duty on the ticket does not learn it exists; the public needs the signed link.
    assert.equal((await (await t.as('zjj.staff')).get(`/api/v1/portal/tickets/${res.body.no}/photos`)).status, 404);
    assert.equal((await call('GET', photos.body.items[0].url.replace('/portal/', '/public/portal/'))).status, 404);
    const tracked = await call('POST', '/api/v1/public/portal/track', { no: res.body.no, phoneLast4: '1234' });
    assert.equal(tracked.status, 200);
    assert.equal(tracked.body.statusText, '已受理，正在分派承办单位');
    assert.equal(tracked.body.canRate, false);
    const own = await call('GET', tracked.body.photos[0].url);
    assert.equal(own.status, 200);
    assert.equal(own.headers['content-type'], 'image/png');
    // Nothing personal in the tracking answer.
    assert.doesNotMatch(JSON.stringify(tracked.body), /13900001234|王女士|光华小区/);

    // The bytes are kept in the store with the ticket, not in a file beside it.
    const stored = await t.ctx.store.db.selectFrom('portal_photos').select(['data', 'file']).where('id', '=', photos.body.items[0].id).executeTakeFirstOrThrow();
    assert.deepEqual(Buffer.from(stored.data!), PNG);
    assert.equal(stored.file, '1.png');

    // A file that is not an image is refused, naming the photo.
    const bad = await call('POST', '/api/v1/public/portal/requests', { ...submission(), photos: [{ data: Buffer.from('hello world').toString('base64') }], captcha: await captcha() });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'photos.0');
  });

  it('a photo an older row keeps as a file is copied into the store at start, and served from there', async () => {
    const res = await call('POST', '/api/v1/public/portal/requests', { ...submission(), captcha: await captcha('10.0.0.9') }, '10.0.0.9');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const ticket = await t.ctx.store.db.selectFrom('tickets').select('id').where('no', '=', res.body.no).executeTakeFirstOrThrow();
    const file = join('portal-photos', '2026-03', 'older', '1.png');
    mkdirSync(join(t.ctx.dataDir, 'portal-photos', '2026-03', 'older'), { recursive: true });
    writeFileSync(join(t.ctx.dataDir, file), PNG);
    const row = await t.ctx.store.db
      .insertInto('portal_photos')
      .values({ ticket_id: Number(ticket.id), file, data: null, mime: 'image/png', size: PNG.length, created_at: t.ctx.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    // A lost file leaves its row empty rather than failing the start.
    await t.ctx.store.db.insertInto('portal_photos').values({ ticket_id: Number(ticket.id), file: 'portal-photos/gone.png', data: null, mime: 'image/png', size: 1, created_at: t.ctx.clock.now() }).execute();

    assert.equal(await adoptPhotoFiles(t.ctx), 1);
    assert.equal(await adoptPhotoFiles(t.ctx), 0, 'a second start copies nothing again');
    const adopted = await t.ctx.store.db.selectFrom('portal_photos').select('data').where('id', '=', row.id).executeTakeFirstOrThrow();
    assert.deepEqual(Buffer.from(adopted.data!), PNG);
    rmSync(join(t.ctx.dataDir, file));
    const centre = await t.as('centre1');
    const served = await centre.get(`/api/v1/portal/photos/${row.id}`);
    assert.equal(served.status, 200);
  });

  it('a wrong or expired captcha is refused with 400 naming 验证码, and nothing is written', async () => {
    setClock(t, '2026-03-02T10:00');
    const before = await tableCounts(t.ctx);
    const c = await captcha('10.0.0.2');
    const wrong = await call('POST', '/api/v1/public/portal/requests', { ...submission(), captcha: { token: c.token, answer: String(Number(c.answer) + 1) } }, '10.0.0.2');
    assert.equal(wrong.status, 400);
    assert.match(wrong.headers['content-type'] as string, /problem\+json/);
    assert.equal(wrong.body.errors[0].field, 'captcha.answer');
    assert.match(wrong.body.title, /验证码/);

    const stale = await captcha('10.0.0.2');
    t.clock.advance(11 * 60_000);
    const expired = await call('POST', '/api/v1/public/portal/requests', { ...submission(), captcha: stale }, '10.0.0.2');
    assert.equal(expired.status, 400);
    assert.equal(expired.body.errors[0].field, 'captcha.token');
    assert.match(expired.body.title, /验证码已过期/);

    const forged = await call('POST', '/api/v1/public/portal/requests', { ...submission(), captcha: { token: 'x.y.z', answer: '3' } }, '10.0.0.2');
    assert.equal(forged.status, 400);
    assert.match(forged.body.title, /验证码/);
    assert.deepEqual(await tableCounts(t.ctx), before);

    // A captcha is good once.
    const once = await captcha('10.0.0.2');
    assert.equal((await call('POST', '/api/v1/public/portal/requests', { ...submission({ phone: '13900005555' }), captcha: once }, '10.0.0.2')).status, 201);
    const again = await call('POST', '/api/v1/public/portal/requests', { ...submission({ phone: '13900005555' }), captcha: once }, '10.0.0.2');
    assert.equal(again.status, 400);
    assert.match(again.body.title, /验证码已使用/);
  });

  it('tracking answers the same 404 for a wrong number and wrong digits, then 429', async () => {
    setClock(t, '2026-03-02T11:00');
    const created = await call('POST', '/api/v1/public/portal/requests', { ...submission({ phone: '13900007777' }), captcha: await captcha('10.0.0.3') }, '10.0.0.3');
    const no = created.body.no as string;
    const ip = '10.0.0.4';
    const wrongDigits = await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: '0000' }, ip);
    const wrongNo = await call('POST', '/api/v1/public/portal/track', { no: `${no.slice(0, -1)}9`, phoneLast4: '7777' }, ip);
    assert.equal(wrongDigits.status, 404);
    assert.equal(wrongNo.status, 404);
    assert.deepEqual(wrongDigits.body, wrongNo.body);
    assert.equal(wrongDigits.body.title, '未找到该工单，请核对工单编号和手机号后四位');
    for (let i = 0; i < 3; i++) assert.equal((await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: String(1000 + i) }, ip)).status, 404);
    // Five failures: this address is held off, even with the right digits.
    const limited = await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: '7777' }, ip);
    assert.equal(limited.status, 429);
    assert.match(limited.body.title, /频繁/);
    // Retry-After: the seconds until the address's 15-minute failure window frees (the clock stands still).
    assert.equal(limited.headers['retry-after'], String(15 * 60));
    const rate = await call('POST', '/api/v1/public/portal/rate', { no, code: '000000', level: 'satisfied' }, ip);
    assert.equal(rate.status, 429);
    assert.equal(rate.headers['retry-after'], String(15 * 60));
    const code = await call('POST', '/api/v1/public/portal/rating-code', { no, phoneLast4: '7777' }, ip);
    assert.equal(code.status, 429);
    t.clock.advance(5 * 60_000);
    assert.equal((await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: '7777' }, ip)).headers['retry-after'], String(10 * 60), 'counts down');
    t.clock.advance(-5 * 60_000);
    // Another address with the right digits is served.
    assert.equal((await call('POST', '/api/v1/public/portal/track', { no, phoneLast4: '7777' }, '10.0.0.5')).status, 200);
  });

  it('a rating is taken only after the centre accepted the reply, with the SMS code, and only once (一事一评)', async () => {
    setClock(t, '2026-03-02T14:00');
    const created = await newTicket(t, { requester: { kind: 'person', name: '赵六', phone: '13700002468' } });
    const ip = '10.0.1.1';
    const early = await call('POST', '/api/v1/public/portal/rating-code', { no: created.no, phoneLast4: '2468' }, ip);
    assert.equal(early.status, 409);
    assert.match(early.body.title, /尚未经热线审核通过/);
    await signAndReply(t, created.no);
    const unreviewed = await call('POST', '/api/v1/public/portal/track', { no: created.no, phoneLast4: '2468' }, ip);
    assert.equal(unreviewed.body.canRate, false);
    assert.equal(unreviewed.body.replies.length, 0);
    assert.equal(unreviewed.body.statusText, '承办单位已答复，热线正在审核');
    await ok(t, 'centre1', created.no, 'review', { pass: true });
    const tracked = await call('POST', '/api/v1/public/portal/track', { no: created.no, phoneLast4: '2468' }, ip);
    assert.equal(tracked.body.canRate, true);
    assert.equal(tracked.body.replies.length, 1);
    assert.equal(tracked.body.unit, '市住房和城乡建设局');
    const code = await smsCode(created.no, '2468', ip);
    const rated = await call('POST', '/api/v1/public/portal/rate', { no: created.no, code, level: 'satisfied', comment: '处理及时' }, ip);
    assert.equal(rated.status, 201);
    assert.equal(rated.body.bad, false);
    t.clock.advance(61_000);
    const twice = await call('POST', '/api/v1/public/portal/rating-code', { no: created.no, phoneLast4: '2468' }, ip);
    assert.equal(twice.status, 409);
    assert.match(twice.body.title, /一事一评/);
    const after = await call('POST', '/api/v1/public/portal/track', { no: created.no, phoneLast4: '2468' }, ip);
    assert.equal(after.body.canRate, false);
    assert.equal(after.body.rating.levelLabel, '满意');
    assert.equal((await (await t.as('centre1')).get(`/api/v1/ratings/reviews?ticketNo=${created.no}`)).body.items.length, 0);
  });

  it('a portal 差评: verified Friday → due Monday; rectified; called back; the unit never sees the rater', async () => {
    setClock(t, '2026-03-04T09:00');
    const created = await newTicket(t, { requester: { kind: 'person', name: '钱七', phone: '13600001357' } });
    await signAndReply(t, created.no);
    await ok(t, 'centre1', created.no, 'review', { pass: true });
    setClock(t, '2026-03-06T10:00'); // Friday
    const code = await smsCode(created.no, '1357', '10.0.2.1');
    const rated = await call('POST', '/api/v1/public/portal/rate', { no: created.no, code, level: 'very_unsatisfied', comment: '没有解决，请回电13600001357' }, '10.0.2.1');
    assert.equal(rated.status, 201);
    assert.equal(rated.body.reviewOpened, true);

    const centre = await t.as('centre1');
    const [review] = (await centre.get(`/api/v1/ratings/reviews?ticketNo=${created.no}`)).body.items;
    assert.equal(review.status, 'verifying');
    assert.equal(review.source, 'portal');
    assert.equal(review.dueAt, '2026-03-09T23:59:59+08:00'); // 1 working day from Friday: Monday
    assert.equal(review.light, 'green');
    assert.deepEqual(review.rater, { name: '钱七', phone: '13600001357' });
    assert.deepEqual(review.actions, ['verify']);

    const staff = await t.as('zjj.staff');
    const unitView = await staff.get(`/api/v1/ratings/reviews/${review.id}`);
    assert.equal(unitView.status, 200);
    assert.equal(unitView.body.rater, undefined);
    assert.doesNotMatch(JSON.stringify(unitView.body), /13600001357|钱七|1357/);
    assert.deepEqual(unitView.body.actions, []);
    assert.doesNotMatch(JSON.stringify((await (await t.as('authority1')).get(`/api/v1/ratings/reviews/${review.id}`)).body), /13600001357|钱七/);
    assert.equal((await (await t.as('scjgj.staff')).get(`/api/v1/ratings/reviews/${review.id}`)).status, 404);
    assert.equal((await staff.post(`/api/v1/ratings/reviews/${review.id}/actions/verify`, { classification: 'unit_fault' })).status, 403);

    setClock(t, '2026-03-09T16:00'); // Monday
    const verified = await centre.post(`/api/v1/ratings/reviews/${review.id}/actions/verify`, { classification: 'unit_fault', note: '物业问题未解决' });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.status, 'rectifying');
    assert.equal(verified.body.verify.late, false);
    assert.equal(verified.body.dueAt, '2026-03-30T23:59:59+08:00'); // 15 working days from Monday 9 March

    setClock(t, '2026-03-27T15:00'); // Friday
    const noOutcome = await staff.post(`/api/v1/ratings/reviews/${review.id}/actions/rectify`, { content: '已整改' });
    assert.equal(noOutcome.status, 400);
    const rectified = await staff.post(`/api/v1/ratings/reviews/${review.id}/actions/rectify`, { outcome: 'rectified', content: '已督促物业清理楼道并建立每日巡查。' });
    assert.equal(rectified.status, 200, JSON.stringify(rectified.body));
    assert.equal(rectified.body.status, 'callback');
    assert.equal(rectified.body.dueAt, '2026-03-31T23:59:59+08:00'); // 2 working days from Friday: Tuesday
    assert.equal(rectified.body.rectify.late, false);

    setClock(t, '2026-03-30T10:00');
    const closed = await centre.post(`/api/v1/ratings/reviews/${review.id}/actions/callback`, { reached: true, accepted: true, note: '评价人认可整改' });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.status, 'closed');
    assert.equal(closed.body.callback.result, 'accepted');
    assert.equal((await centre.post(`/api/v1/ratings/reviews/${review.id}/actions/callback`, { reached: true })).status, 409);
    const timeline = (await centre.get(`/api/v1/tickets/${created.no}/events`)).body.items.map((e: any) => e.action);
    assert.deepEqual(timeline.filter((a: string) => a.startsWith('rating')), ['rating', 'rating_bad', 'rating_verify', 'rating_rectify', 'rating_callback']);
  });

  it('a callback 差评 opens a review; the unit appeals on Friday and the authority decides by the next Friday', async () => {
    setClock(t, '2026-03-10T09:00');
    const created = await newTicket(t);
    await signAndReply(t, created.no);
    await ok(t, 'centre1', created.no, 'review', { pass: true });
    setClock(t, '2026-03-13T09:00'); // Friday
    await ok(t, 'centre1', created.no, 'callback', { reached: true, satisfaction: 'unsatisfied', words: '态度敷衍', reasonable: false });
    const centre = await t.as('centre1');
    const [review] = (await centre.get(`/api/v1/ratings/reviews?ticketNo=${created.no}`)).body.items;
    assert.equal(review.source, 'callback');
    assert.equal(review.level, 'unsatisfied');
    assert.equal(review.dueAt, '2026-03-16T23:59:59+08:00');
    await centre.post(`/api/v1/ratings/reviews/${review.id}/actions/verify`, { classification: 'unit_fault' });

    setClock(t, '2026-03-13T16:00');
    const head = await t.as('zjj.head');
    assert.equal((await head.post(`/api/v1/ratings/reviews/${review.id}/actions/appeal`, {})).status, 400);
    const appealed = await head.post(`/api/v1/ratings/reviews/${review.id}/actions/appeal`, { reason: '已按政策答复，诉求人要求超出规定' });
    assert.equal(appealed.status, 200, JSON.stringify(appealed.body));
    assert.equal(appealed.body.status, 'appealing');
    assert.equal(appealed.body.dueAt, '2026-03-20T23:59:59+08:00'); // 5 working days from Friday
    assert.equal((await centre.post(`/api/v1/ratings/reviews/${review.id}/actions/decide_appeal`, { upheld: true, note: 'x' })).status, 403);
    const authority = await t.as('authority1');
    assert.equal((await authority.post(`/api/v1/ratings/reviews/${review.id}/actions/decide_appeal`, { upheld: true })).status, 400);
    setClock(t, '2026-03-18T10:00');
    const decided = await authority.post(`/api/v1/ratings/reviews/${review.id}/actions/decide_appeal`, { upheld: true, note: '答复符合政策，差评不计入' });
    assert.equal(decided.status, 200);
    assert.equal(decided.body.status, 'void');
    assert.equal(decided.body.appeal.decision, 'upheld');
    assert.equal(decided.body.appeal.late, false);
    assert.equal((await head.post(`/api/v1/ratings/reviews/${review.id}/actions/rectify`, { outcome: 'explained', content: 'x' })).status, 409);
  });
});
