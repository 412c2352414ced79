// Through the HTTP API on both engines: searches and smart answers keep to the platform's city
// unless the question names another; a 征求意见稿 is never in force; when only an expired policy or a
// draft would answer, the answer is 不知道 naming it; a question nothing answers gets 不知道.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachEngine, type Client, type TestApp, startTestApp } from '../../test/support/app.ts';

const q = (text: string) => encodeURIComponent(text);

const DOCS = {
  mdj: ['牡丹江市人民政府办公室关于城区停车收费标准的通知', '牡政办发〔2026〕5号', '各区人民政府：', '一、收费标准', '城区路内停车每小时收费2元，夜间停车免费。', '牡丹江市人民政府办公室', '2026年1月5日'],
  jixi: ['鸡西市人民政府办公室关于城区停车收费标准的通知', '鸡政办发〔2026〕3号', '各区人民政府：', '一、收费标准', '城区路内停车每小时收费3元，夜间停车免费。', '鸡西市人民政府办公室', '2026年1月6日'],
  draft: ['牡丹江市居民供暖收费办法', '（征求意见稿）', '一、收费标准', '居民供暖按建筑面积每平方米收费29元。'],
  expired: ['牡丹江市居民燃气补贴实施办法', '牡政办规〔2025〕1号', '一、补贴标准', '居民燃气补贴每户每年100元。本办法自2025年1月1日起施行，有效期至2026年2月1日。', '牡丹江市人民政府办公室', '2025年1月1日'],
};

describeEachEngine('knowledge base: the city, drafts and 不知道', (engine) => {
  let t: TestApp;
  let agent: Client;
  const ids: Record<string, number> = {};

  before(async () => {
    t = await startTestApp(engine); // 2026-03-02
    agent = await t.as('agent1');
    const admin = await t.as('admin');
    for (const [key, lines] of Object.entries(DOCS)) {
      const res = await admin.post('/api/v1/kb/import', { text: lines.join('\n') });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      ids[key] = res.body.created[0].id;
    }
  });
  after(() => t.close());

  it('tags each imported document with its region and status', async () => {
    const shown = async (key: string) => (await agent.get(`/api/v1/kb/articles/${ids[key]}`)).body;
    assert.deepEqual([(await shown('mdj')).region, (await shown('jixi')).region], ['牡丹江市', '鸡西市']);
    const draft = await shown('draft');
    assert.equal(draft.docStatus, 'draft');
    assert.equal(draft.validity, 'draft', 'an undated 征求意见稿 is not in force');
    assert.equal(draft.valid, false);
    assert.equal((await shown('expired')).validity, 'expired');
  });

  it('searches the platform’s city unless the question names another', async () => {
    const own = await agent.get(`/api/v1/kb/search?q=${q('城区路内停车每小时收费多少钱')}`);
    assert.equal(own.status, 200);
    assert.ok(own.body.items.some((h: any) => h.article.id === ids.mdj));
    assert.ok(own.body.items.every((h: any) => h.article.region === '牡丹江市'), JSON.stringify(own.body.items.map((h: any) => h.article.region)));
    assert.equal(own.body.query.namedRegion, null);

    const jixi = await agent.get(`/api/v1/kb/search?q=${q('鸡西城区路内停车每小时收费多少钱')}`);
    assert.equal(jixi.body.query.namedRegion, '鸡西市');
    assert.ok(jixi.body.items.length > 0 && jixi.body.items.every((h: any) => h.article.region === '鸡西市'));

    const all = await agent.get(`/api/v1/kb/search?q=${q('城区路内停车每小时收费多少钱')}&region=all`);
    assert.deepEqual(new Set(all.body.items.map((h: any) => h.article.region)), new Set(['牡丹江市', '鸡西市']));

    const answer = await agent.get(`/api/v1/kb/answer?q=${q('城区路内停车每小时收费多少钱')}`);
    assert.equal(answer.body.passages[0].articleId, ids.mdj, 'the smart answer reads the city’s own rule');
    assert.ok(answer.body.passages.every((p: any) => p.articleId !== ids.jixi));
  });

  it('refuses an unknown region, naming the field, and changes nothing', async () => {
    const res = await agent.get(`/api/v1/kb/search?q=${q('停车收费')}&region=${q('火星')}`);
    assert.equal(res.status, 400);
    assert.match(res.body.title, /地区/);
    assert.equal(res.body.field ?? res.body.errors?.[0]?.field ?? 'region', 'region');
  });

  it('a 征求意见稿 is never in force: searched as current it is absent, and the answer declines naming it', async () => {
    const current = await agent.get(`/api/v1/kb/search?q=${q('居民供暖每平方米收费多少')}&validity=current`);
    assert.ok(current.body.items.every((h: any) => h.article.id !== ids.draft));
    const answer = await agent.get(`/api/v1/kb/answer?q=${q('居民供暖每平方米收费多少')}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.known, false, JSON.stringify({ f: answer.body.features, c: answer.body.confidence, p: answer.body.passages.map((x: any) => x.title) }));
    assert.equal(answer.body.articleId, null);
    assert.ok(answer.body.outOfForce, JSON.stringify(answer.body.features));
    {
      assert.equal(answer.body.outOfForce.articleId, ids.draft);
      assert.match(answer.body.message, /讨论稿（未生效）的《牡丹江市居民供暖收费办法/);
    }
  });

  it('when only an expired policy answers, it says 不知道 and names it with its end date', async () => {
    const answer = await agent.get(`/api/v1/kb/answer?q=${q('居民燃气补贴每户每年补多少钱')}`);
    assert.equal(answer.body.known, false);
    assert.ok(answer.body.passages.every((p: any) => p.articleId !== ids.expired), 'the expired policy is not offered as an answer');
    assert.ok(answer.body.outOfForce, JSON.stringify(answer.body.features));
    {
      assert.equal(answer.body.outOfForce.articleId, ids.expired);
      assert.match(answer.body.message, /已失效的《牡丹江市居民燃气补贴实施办法》（有效期至 2026-02-01）/);
    }
    // Asked on purpose for expired policies, it finds it.
    const expired = await agent.get(`/api/v1/kb/search?q=${q('居民燃气补贴每户每年补多少钱')}&validity=expired`);
    assert.equal(expired.body.items[0].article.id, ids.expired);
  });

  it('says 不知道 to a question nothing answers, with a confidence below the threshold', async () => {
    const answer = await agent.get(`/api/v1/kb/answer?q=${q('明天会不会下雪')}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.known, false);
    assert.ok(answer.body.confidence < answer.body.threshold);
    assert.equal(answer.body.outOfForce, null);
    assert.match(answer.body.message, /^不知道/);
    const pub = await t.app.inject({ method: 'GET', url: `/api/v1/public/kb/answer?q=${q('明天会不会下雪')}` });
    assert.equal(JSON.parse(pub.body).known, false);
  });
});
