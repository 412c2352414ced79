// The intake desk's knowledge-base panel in a real browser, on the demo's imported bulletins: the
// answer appears as the agent types, "采用" closes the consultation as 直接解答 with the article
// recorded (and its use counted); a question the base cannot answer gets "不知道", not a guess.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

async function getJson(page: Page, path: string) {
  const res = await page.request.get(path);
  assert.equal(res.status(), 200, `${path}: ${res.status()}`);
  return res.json();
}

describe('console: the intake desk answers from the knowledge base', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('shows the answer with its source as the agent types, and 采用 closes the call as a direct answer citing the article', async () => {
    const { page } = await c.loginAs('agent1');
    await page.getByLabel('联系电话').fill('13845670012');
    // A complaint first: using the answer turns it into the consultation it is.
    await page.getByText('投诉', { exact: true }).first().click();
    await page.getByLabel('诉求事实').pressSequentially('职工医保普通门诊的起付标准是多少', { delay: 20 });
    const answer = page.getByTestId('intake-kb-answer');
    await answer.waitFor();
    const text = await answer.innerText();
    assert.match(text, /起付标准/);
    assert.match(text, /根据《牡丹江市人民政府办公室关于印发牡丹江市职工基本医疗保险门诊共济保障机制实施办法的通知》/);
    assert.match(text, /牡政办规〔2022〕3号/);
    assert.match(await page.getByTestId('intake-kb-confidence').innerText(), /匹配度 \d+%/);

    // The article behind the answer, and how often it has been used so far.
    const q = encodeURIComponent('职工医保普通门诊的起付标准是多少');
    const suggested = await getJson(page, `${c.baseUrl}/api/v1/kb/answer?q=${q}`);
    const articleId: number = suggested.articleId;
    const usesBefore: number = (await getJson(page, `${c.baseUrl}/api/v1/kb/articles/${articleId}`)).uses;
    await page.screenshot({ path: join(SCREENSHOTS, 'intake-knowledge.png') });

    await answer.getByRole('button', { name: '采用此答复' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.getByTestId('answer-article').innerText(), /依据知识：《牡丹江市人民政府办公室关于印发/);
    const content = await dialog.getByLabel('解答内容').inputValue();
    assert.match(content, /^根据《.*》（牡丹江市人民政府办公室 牡政办规〔2022〕3号）：.*起付标准/);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    const no = (await page.getByTestId('intake-result-no').innerText()).trim();
    const ticket = await getJson(page, `${c.baseUrl}/api/v1/tickets/${no}`);
    assert.equal(ticket.type, 'consultation');
    assert.equal(ticket.resolution, 'direct_answer');
    assert.equal(ticket.submissions[0].article.id, articleId);
    assert.equal(ticket.submissions[0].content, content);
    assert.equal((await getJson(page, `${c.baseUrl}/api/v1/kb/articles/${articleId}`)).uses, usesBefore + 1);

    // The form is ready for the next call, and the panel is empty again.
    assert.equal(await page.getByLabel('诉求事实').inputValue(), '');
    await page.getByTestId('intake-kb').getByText('输入诉求内容后显示相关政策与答复口径').waitFor();

    // The ticket shows the article the answer was given from.
    await page.goto(`${c.baseUrl}/tickets/${no}`);
    assert.match(await page.getByTestId('submission-article').innerText(), /依据知识：《牡丹江市人民政府办公室关于印发/);
  });

  it('says it does not know rather than guess, and offers nothing to adopt', async () => {
    const { page } = await c.loginAs('agent1');
    await page.getByLabel('诉求事实').fill('明天牡丹江会下雪吗');
    const unknown = page.getByTestId('intake-kb-unknown');
    await unknown.waitFor();
    assert.match(await unknown.innerText(), /不知道/);
    assert.equal(await page.getByTestId('intake-kb').getByRole('button', { name: /采用/ }).count(), 0);
  });

  it('sends an agent’s correction (纠错) to the article’s unit', async () => {
    const { page } = await c.loginAs('agent1');
    await page.getByLabel('诉求事实').fill('职工医保普通门诊的起付标准是多少');
    const answer = page.getByTestId('intake-kb-answer');
    await answer.waitFor();
    await answer.getByRole('button', { name: '纠错' }).click();
    const dialog = page.getByRole('dialog', { name: '知识纠错' });
    await dialog.getByLabel('纠错内容').fill('起付标准已调整，请核实最新文件');
    await dialog.getByRole('button', { name: /提\s*交/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    const reports = await getJson(page, `${c.baseUrl}/api/v1/kb/reports?status=open`);
    const items = (reports.items ?? reports) as Array<{ content: string }>;
    assert.ok(items.some((r) => r.content === '起付标准已调整，请核实最新文件'), JSON.stringify(reports));
  });
});
