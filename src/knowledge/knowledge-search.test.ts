// The knowledge base's search side through the HTTP API, on both engines: bulletin import (once),
// ranking, synonyms an admin edits, filters, highlighted snippets, the smart answer and its
// threshold, the public API and page, upkeep flags and usage figures.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEED_BULLETIN_DIR } from './import.ts';
import { describeEachEngine, PASSWORD, type Client, type Response, type TestApp, startTestApp } from '../../test/support/app.ts';

const seed = (file: string) => readFileSync(join(SEED_BULLETIN_DIR, file), 'utf8');

function assertProblem(res: Response, status: number, names?: string): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.match(res.body.title, /[\u4e00-\u9fff]/);
  if (names) assert.ok(res.body.title.includes(names), `title «${res.body.title}» names «${names}»`);
}

async function counts(t: TestApp) {
  const out: Record<string, number> = {};
  for (const table of ['kb_articles', 'kb_passages', 'kb_terms', 'events', 'outbox'] as const) {
    out[table] = Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  }
  return out;
}

const q = (text: string) => encodeURIComponent(text);

describeEachEngine('knowledge base search', (engine) => {
  let t: TestApp;
  let admin: Client;
  let centre: Client;
  let agent: Client;
  let staff: Client;
  const publicGet = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url });
    let body: any = res.body;
    try {
      body = JSON.parse(res.body);
    } catch {
      /* HTML */
    }
    return { status: res.statusCode, body, headers: res.headers };
  };

  before(async () => {
    t = await startTestApp(engine);
    admin = await t.as('admin');
    centre = await t.as('centre1');
    agent = await t.as('agent1');
    staff = await t.as('zjj.staff');
  });
  after(() => t.close());

  it('imports a bulletin once: one article per document of its contents; importing it again changes nothing', async () => {
    const first = await admin.post('/api/v1/kb/import', { text: seed('001_709fe254827a9a67.txt') });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.bulletin, '牡丹江市人民政府公报 2023年第3期');
    assert.equal(first.body.documents, 9);
    assert.equal(first.body.created.length, 9);
    const hotline = first.body.created.find((c: any) => c.docNo === '牡政办发〔2023〕18号');
    assert.equal(hotline.title, '牡丹江市人民政府办公室关于印发牡丹江市12345政务服务便民热线运行管理办法（试行）的通知');
    assert.equal(first.body.created.find((c: any) => c.title.includes('全城通办')).unit, 'SCJGJ', 'the issuing 市场监督管理局 owns its document');

    const before = await counts(t);
    const again = await centre.post('/api/v1/kb/import', { text: seed('001_709fe254827a9a67.txt') });
    assert.equal(again.status, 200);
    assert.equal(again.body.created.length, 0);
    assert.equal(again.body.unchanged.length, 9);
    assert.deepEqual(await counts(t), before);

    assertProblem(await agent.post('/api/v1/kb/import', { text: seed('001_709fe254827a9a67.txt') }), 403);
    assertProblem(await admin.post('/api/v1/kb/import', { text: '' }), 400, '公报文本');
    const second = await admin.post('/api/v1/kb/import', { text: seed('000_21d667b7f114e85b.txt') });
    assert.equal(second.body.created.length, 12);

    const article = await agent.get(`/api/v1/kb/articles/${hotline.id}`);
    assert.equal(article.status, 200);
    assert.equal(article.body.kind, 'policy');
    assert.equal(article.body.status, 'published');
    assert.deepEqual(article.body.source, { title: hotline.title, docNo: '牡政办发〔2023〕18号', issuer: '牡丹江市人民政府办公室', date: '2023-06-09' });
    assert.ok(article.body.passages.length > 10);
    const events = await centre.get(`/api/v1/kb/articles/${hotline.id}/events`);
    assert.deepEqual(events.body.items.map((e: any) => e.action), ['kb_import']);
  });

  it('ranks the passage that answers the question first, with the matched words highlighted', async () => {
    const cases: Array<[string, string, string]> = [
      ['可以用弹弓打鸟吗', '牡政规〔2023〕1号', '弹弓'],
      ['职工医保普通门诊统筹的起付标准是多少', '牡政办规〔2022〕3号', '起付标准为600元'],
      ['承办单位办不完工单可以申请延期几次', '牡政办发〔2023〕18号', '延期申请最多可提出2次'],
      ['个体工商户营业执照全城通办在哪个窗口办理', '牡丹江市城区个体工商户营业执照', '个体工商户登记'],
    ];
    for (const [question, doc, answer] of cases) {
      const res = await agent.get(`/api/v1/kb/search?q=${q(question)}&limit=5`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const top = res.body.items[0];
      assert.ok(top.article.source.docNo === doc || top.article.title.includes(doc), `${question}: top hit is ${top.article.title}`);
      assert.ok(res.body.items.slice(0, 5).some((h: any) => (h.passage.heading + h.passage.text).includes(answer)), `${question}: an answering passage among the first five`);
      assert.match(top.snippet, /<em>[^<]+<\/em>/);
      for (const [start, end] of top.highlights) assert.ok(top.passage.text.slice(start, end).length >= 2);
      assert.ok(top.score > 0);
      assert.ok(res.body.items.every((h: any, i: number, all: any[]) => i === 0 || all[i - 1].score >= h.score), 'best first');
    }
    const nothing = await agent.get(`/api/v1/kb/search?q=${q('恐龙化石')}`);
    assert.deepEqual(nothing.body.items, []);
    assertProblem(await agent.get('/api/v1/kb/search'), 400, '关键词');
    assertProblem(await agent.get(`/api/v1/kb/search?q=${q('公积金')}&kind=novel`), 400, '知识类别');
    assertProblem(await agent.get(`/api/v1/kb/search?q=${q('公积金')}&unit=NOPE`), 400, '单位');
  });

  it('expands synonyms: the default 执照/营业执照, and a group an admin adds, edits and deletes', async () => {
    const licence = await agent.get(`/api/v1/kb/search?q=${q('执照')}&limit=3`);
    assert.ok(licence.body.items[0].article.title.includes('营业执照'));
    assert.ok(licence.body.query.synonyms.some((g: string[]) => g.includes('营业执照')));

    // 起付线, a caller's word, reaches 起付标准 through the callers' lexicon with no group of the admin's.
    const spoken = await agent.get(`/api/v1/kb/search?q=${q('门诊起付线')}`);
    assert.equal(spoken.body.items[0].article.source.docNo, '牡政办规〔2022〕3号');
    assert.ok(spoken.body.items[0].signals.lexicalRank !== null, 'the lexicon brings 起付标准 into the word field');

    const before = await agent.get(`/api/v1/kb/search?q=${q('封顶')}`);
    // The bulletins say 最高支付限额, never 封顶, and no lexicon entry says so: the word field finds nothing.
    assert.ok(before.body.items.every((h: any) => h.signals.lexicalRank === null), 'the word field finds nothing for 封顶');
    assertProblem(await centre.post('/api/v1/kb/synonyms', { terms: ['封顶', '最高支付限额'] }), 403);
    assertProblem(await admin.post('/api/v1/kb/synonyms', { terms: ['封顶', '封顶'] }), 400, '同义词');
    assertProblem(await admin.post('/api/v1/kb/synonyms', { terms: ['封顶'] }), 400, '同义词');
    const created = await admin.post('/api/v1/kb/synonyms', { terms: ['封顶', '封顶金额'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const edited = await admin.put(`/api/v1/kb/synonyms/${created.body.id}`, { terms: ['封顶', '最高支付限额'] });
    assert.deepEqual(edited.body.terms, ['封顶', '最高支付限额']);
    const found = await agent.get(`/api/v1/kb/search?q=${q('门诊统筹封顶')}`);
    assert.equal(found.body.items[0].article.source.docNo, '牡政办规〔2022〕3号');
    assert.ok(found.body.items.some((h: any) => h.snippet.includes('<em>最高支付限额</em>')), 'the synonym is highlighted');
    assert.ok(found.body.items.some((h: any) => h.signals.lexicalRank !== null), 'through the synonym the word field finds it');

    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: PASSWORD } });
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/kb/synonyms/${created.body.id}`, headers: { authorization: `Bearer ${JSON.parse(login.body).token}` } });
    assert.equal(del.statusCode, 204);
    assert.ok((await agent.get(`/api/v1/kb/search?q=${q('封顶')}`)).body.items.every((h: any) => h.signals.lexicalRank === null));
    const audited = await t.ctx.store.db.selectFrom('events').select('action').where('action', 'like', 'kb_synonyms_%').orderBy('id').execute();
    assert.deepEqual(audited.map((e) => e.action), ['kb_synonyms_create', 'kb_synonyms_update', 'kb_synonyms_delete']);
  });

  it('filters by validity, unit and kind', async () => {
    // The two 公积金 documents ran until 2022-12-31.
    const expired = await agent.get(`/api/v1/kb/search?q=${q('住房公积金租房提取')}&validity=expired`);
    assert.ok(expired.body.items.length > 0);
    assert.ok(expired.body.items.every((h: any) => h.article.validity === 'expired' && h.article.status === 'expired' && h.article.expiresOn === '2022-12-31'));
    const current = await agent.get(`/api/v1/kb/search?q=${q('住房公积金租房提取')}&validity=current`);
    assert.ok(current.body.items.every((h: any) => h.article.valid));
    const all = await agent.get(`/api/v1/kb/search?q=${q('住房公积金租房提取')}`);
    assert.equal(all.body.items[0].article.valid, false, 'staff search shows expired documents, marked');

    const byUnit = await agent.get(`/api/v1/kb/search?q=${q('营业执照')}&unit=SCJGJ`);
    assert.ok(byUnit.body.items.length > 0 && byUnit.body.items.every((h: any) => h.article.unit.code === 'SCJGJ'));
    const otherUnit = await agent.get(`/api/v1/kb/search?q=${q('营业执照')}&unit=ZJJ`);
    assert.equal(otherUnit.body.items.length, 0);

    const created = await staff.post('/api/v1/kb/articles', { kind: 'faq', title: '物业费收费标准怎么查？', body: '住宅物业服务收费标准可在小区公示栏查看，也可向所在城区住建部门咨询；营业执照信息可在国家企业信用信息公示系统查询。' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    await staff.post(`/api/v1/kb/articles/${id}/actions/submit`);
    await (await t.as('zjj.head')).post(`/api/v1/kb/articles/${id}/actions/approve`, { approve: true });
    await centre.post(`/api/v1/kb/articles/${id}/actions/review`, { pass: true });
    const faq = await agent.get(`/api/v1/kb/search?q=${q('营业执照')}&kind=faq`);
    assert.deepEqual(faq.body.items.map((h: any) => h.article.id), [id]);
  });

  it('answers with the best passage, its source and a confidence; below the threshold it says 不知道', async () => {
    const known = await agent.get(`/api/v1/kb/answer?q=${q('职工医保普通门诊的起付标准是多少')}`);
    assert.equal(known.status, 200);
    assert.equal(known.body.known, true, JSON.stringify(known.body));
    assert.ok(known.body.confidence >= known.body.threshold);
    assert.equal(known.body.passages[0].source.docNo, '牡政办规〔2022〕3号');
    assert.match(known.body.answer, /起付标准为600元/);
    assert.match(known.body.answer, /^根据《牡丹江市人民政府办公室关于印发牡丹江市职工基本医疗保险门诊共济保障机制实施办法的通知》/);
    assert.equal(known.body.articleId, known.body.passages[0].articleId);
    // Every passage carries the reply an agent would give from it, citing its own document.
    assert.equal(known.body.passages[0].reply, known.body.answer);
    for (const p of known.body.passages) assert.ok(p.reply.startsWith(`根据《${p.title.replace(/《/g, '〈').replace(/》/g, '〉')}》`), p.reply);

    const unknown = await agent.get(`/api/v1/kb/answer?q=${q('明天牡丹江会下雪吗')}`);
    assert.equal(unknown.body.known, false);
    assert.match(unknown.body.message, /不知道/);
    assert.equal(unknown.body.answer, null);
    assert.ok(unknown.body.confidence < unknown.body.threshold);

    // An expired policy is not an answer, unless asked for.
    const fund = await agent.get(`/api/v1/kb/answer?q=${q('租房每年能提取多少住房公积金')}`);
    assert.ok(fund.body.passages.every((p: any) => p.valid));
    const fundAny = await agent.get(`/api/v1/kb/answer?q=${q('租房每年能提取多少住房公积金')}&validity=any`);
    assert.equal(fundAny.body.known, true);
    assert.match(fundAny.body.message, /有效期至 2022-12-31/);

    // The threshold is an admin setting.
    const partial = await agent.get(`/api/v1/kb/answer?q=${q('用弹弓和鸟铳打野鸭子违法吗')}`);
    assert.ok(partial.body.confidence > 0 && partial.body.confidence < 1, JSON.stringify(partial.body.confidence));
    assertProblem(await centre.put('/api/v1/kb/settings', { answerThreshold: 0.2 }), 403);
    assertProblem(await admin.put('/api/v1/kb/settings', { answerThreshold: 2 }), 400, '智能解答置信度阈值');
    assert.equal((await admin.put('/api/v1/kb/settings', { answerThreshold: partial.body.confidence })).body.answerThreshold, partial.body.confidence);
    assert.equal((await agent.get(`/api/v1/kb/answer?q=${q('用弹弓和鸟铳打野鸭子违法吗')}`)).body.known, true);
    await admin.put('/api/v1/kb/settings', { answerThreshold: Math.min(1, partial.body.confidence + 0.01) });
    const declined = await agent.get(`/api/v1/kb/answer?q=${q('用弹弓和鸟铳打野鸭子违法吗')}`);
    assert.equal(declined.body.known, false);
    await admin.put('/api/v1/kb/settings', { answerThreshold: 0.5 });
  });

  it('serves the public without login: published articles in force only, no internal figures', async () => {
    assertProblem(await publicGet(`/api/v1/kb/search?q=${q('公积金')}`) as Response, 401);
    const res = await publicGet(`/api/v1/public/kb/search?q=${q('住房公积金租房提取')}`);
    assert.equal(res.status, 200);
    assert.ok(res.body.items.every((h: any) => h.article.valid && h.article.views === undefined && h.article.uses === undefined));
    assert.ok(!res.body.items.some((h: any) => h.article.source.docNo === '牡公管委规〔2022〕3号'), 'an expired document is not public');

    const rows = await t.ctx.store.db.selectFrom('kb_articles').select(['id', 'status', 'source_doc_no', 'view_count']).execute();
    const expired = rows.find((r) => r.source_doc_no === '牡公管委规〔2022〕3号')!;
    const draft = rows.find((r) => r.status === 'draft');
    const published = rows.find((r) => r.source_doc_no === '牡政规〔2023〕1号')!;
    assert.equal((await publicGet(`/api/v1/public/kb/articles/${expired.id}`)).status, 404);
    if (draft) assert.equal((await publicGet(`/api/v1/public/kb/articles/${draft.id}`)).status, 404);
    const article = await publicGet(`/api/v1/public/kb/articles/${published.id}`);
    assert.equal(article.status, 200);
    assert.equal(article.body.title, '牡丹江市人民政府关于公布禁止使用的猎捕工具和方法的通告');
    assert.ok(article.body.passages.length > 0);
    assert.equal(article.body.views, undefined);
    const after = await t.ctx.store.db.selectFrom('kb_articles').select('view_count').where('id', '=', published.id).executeTakeFirstOrThrow();
    assert.equal(after.view_count, published.view_count + 1, 'a public view counts');

    const answer = await publicGet(`/api/v1/public/kb/answer?q=${q('明天会下雪吗')}`);
    assert.equal(answer.body.known, false);
    assert.match(answer.body.message, /12345/);

    const page = await publicGet(`/public/kb?q=${q('可以用弹弓打鸟吗')}`);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<em>弹弓<\/em>/);
    assert.match(page.body, /禁止使用的猎捕工具和方法的通告/);
    const articlePage = await publicGet(`/public/kb/articles/${published.id}`);
    assert.match(articlePage.body, /禁猎工具/);
    assert.equal((await publicGet(`/public/kb/articles/${expired.id}`)).status, 404);
  });

  it('flags expired and untouched articles to their unit, and counts views and uses', async () => {
    const flags = await centre.get('/api/v1/kb/flags');
    assert.equal(flags.status, 200);
    const fund = flags.body.items.filter((a: any) => a.unit.code === 'GJJ');
    assert.equal(fund.length, 2);
    assert.ok(fund.every((a: any) => a.reasons.includes('expired')));
    assert.equal((await staff.get('/api/v1/kb/flags')).body.items.length, 0, 'a unit sees only its own');
    assertProblem(await agent.get('/api/v1/kb/flags'), 403);

    await admin.put('/api/v1/kb/settings', { staleAfterDays: 30 });
    t.clock.advance(31 * 86_400_000);
    const stale = await centre.get('/api/v1/kb/flags');
    assert.ok(stale.body.items.length > 20);
    assert.ok(stale.body.items.some((a: any) => a.reasons.includes('stale') && a.daysSinceUpdate >= 31));
    const todo = await staff.get('/api/v1/kb/todo');
    assert.ok(todo.body.counts.flags >= 1, 'zjj sees its own untouched article');

    const stats = await centre.get('/api/v1/kb/stats');
    assert.equal(stats.status, 200);
    assert.ok(stats.body.views >= 1);
    assert.ok(stats.body.articles.byStatus.published > 0);
    assert.equal(stats.body.articles.byStatus.expired, 2);
    assert.ok(stats.body.topViewed.length >= 1);
  });
});
