// The knowledge base in a real browser, each step by the role whose job it is: a unit's staff enter a
// new policy (限时录入, its light on the to-do list) and submit it, the unit head approves, the centre
// reviews and publishes; an agent finds it by search with the words highlighted and reports an error
// (纠错), which the unit sees on its to-do list and resolves.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

const TITLE = '老旧小区增设无障碍坡道办事指引';
const BODY = [
  '既有住宅小区增设无障碍坡道的，由所在街道组织居民协商，形成方案后向区住房和城乡建设部门申请。',
  '补助<5万元的项目由区住建部门审批，其余报市住建局审批。',
].join('\n');
const REPORT = '条目未写明申请时需要提交哪些材料，群众追问时无法答复。';
/** Today in Shanghai, as the server dates articles. */
const TODAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

async function openArticle(page: Page, baseUrl: string, id: string) {
  await page.goto(`${baseUrl}/kb/articles/${id}`);
  await page.getByTestId('kb-title').waitFor();
}

async function statusOf(page: Page): Promise<string> {
  return (await page.getByTestId('kb-status').first().innerText()).trim();
}

/** Clicks an action of the article and confirms its form, after `fill`. */
async function act(page: Page, label: string, fill?: (dialog: Locator) => Promise<void>) {
  await page.getByTestId('kb-actions').getByRole('button', { name: label }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: /确\s*定/ }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** The row of a to-do section that names the text. */
function rowOf(page: Page, section: string, text: string): Locator {
  return page.getByTestId(section).locator('tr.ant-table-row').filter({ hasText: text });
}

describe('console: the knowledge base from entry to 纠错', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  let id = '';
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('unit staff enter a new policy as a draft; a bad date is refused on its field', async () => {
    const { page } = await c.loginAs('zjj.staff');
    await page.getByRole('menuitem', { name: '知识库待办' }).waitFor();
    await page.getByRole('menuitem', { name: '知识检索', exact: true }).click();
    await page.waitForURL(/\/kb$/);
    await page.getByTestId('kb-new').click();
    await page.waitForURL(/\/kb\/articles\/new$/);
    const form = page.getByTestId('kb-article-form');
    await form.getByLabel('知识类别').click();
    await page.keyboard.type('政策法规');
    await page.keyboard.press('Enter');
    await form.getByLabel('标题').fill(TITLE);
    // A unit writes for itself: its own unit is already chosen.
    assert.match(await form.locator('.ant-select').filter({ has: page.getByLabel('所属单位') }).innerText(), /住房和城乡建设局/);
    await form.getByLabel('文件名称').fill('牡丹江市无障碍环境建设实施办法');
    await form.getByLabel('发文机关').fill('市住房和城乡建设局');
    await form.getByLabel('生效日期').fill(TODAY);
    await form.getByLabel('生效日期').press('Enter');
    // Expiring before taking effect: the server's error lands on 失效日期.
    await form.getByLabel('失效日期').fill('2020-01-01');
    await form.getByLabel('失效日期').press('Enter');
    await form.getByLabel('正文').fill(BODY);
    assert.ok(await form.getByRole('checkbox', { name: '限时录入' }).isChecked(), 'a policy with a date defaults to 限时录入');
    await page.getByTestId('kb-save').click();
    await form.locator('.ant-form-item-has-error').filter({ hasText: '失效日期' }).getByText(/不能早于/).waitFor();
    assert.match(page.url(), /\/kb\/articles\/new$/);

    await form.getByLabel('失效日期').click();
    await form.locator('.ant-form-item').filter({ has: page.getByLabel('失效日期') }).locator('.ant-picker-clear').click();
    await page.keyboard.press('Escape');
    await page.getByTestId('kb-save').click();
    await page.waitForURL(/\/kb\/articles\/\d+$/);
    id = new URL(page.url()).pathname.split('/').pop()!;
    assert.equal(await statusOf(page), '草稿');
    assert.ok((await page.getByTestId('kb-passages').innerText()).includes('补助<5万元'), 'the text is shown as written');
    const details = await page.getByRole('region', { name: '条目信息' }).innerText();
    assert.ok(details.includes(`自 ${TODAY} 起 5 个工作日内`), '限时录入 counts from the effective date');

    await act(page, '提交审核');
    assert.equal(await statusOf(page), '待单位负责人审核');
    await page.getByTestId('kb-timeline').getByText('提交审核').waitFor();
  });

  it('the unit to-do list shows the 限时录入 lights: the new policy, and the overdue one in red', async () => {
    const { page } = await c.loginAs('zjj.staff');
    await page.goto(`${c.baseUrl}/kb/todo`);
    const mine = rowOf(page, 'kb-todo-entries', TITLE);
    await mine.waitFor();
    assert.match((await mine.locator('[data-light]').first().getAttribute('data-light')) ?? '', /^(green|yellow)$/);
    assert.ok((await mine.innerText()).includes('前录入'), 'the due time is shown');
    const overdue = rowOf(page, 'kb-todo-entries', '住宅专项维修资金使用办法');
    assert.equal(await overdue.locator('[data-light]').first().getAttribute('data-light'), 'red');
    assert.match(await page.getByTestId('kb-todo-counts').innerText(), /红灯 [1-9]/);
  });

  it('the unit head approves it from the to-do list', async () => {
    const { page } = await c.loginAs('zjj.head');
    await page.goto(`${c.baseUrl}/kb/todo`);
    await rowOf(page, 'kb-todo-approvals', TITLE).getByRole('link', { name: TITLE }).click();
    await page.getByTestId('kb-title').waitFor();
    await act(page, '单位负责人审核', async (d) => {
      await d.getByText('同意，送热线管理机构审校').click();
    });
    assert.equal(await statusOf(page), '待热线管理机构审校');
  });

  it('the centre reviews and publishes it', async () => {
    const { page } = await c.loginAs('centre1');
    await page.goto(`${c.baseUrl}/kb/todo`);
    await rowOf(page, 'kb-todo-reviews', TITLE).waitFor();
    await openArticle(page, c.baseUrl, id);
    await act(page, '热线管理机构审校', async (d) => {
      await d.getByText('通过，发布').click();
    });
    assert.equal(await statusOf(page), '已发布');
    const timeline = await page.getByTestId('kb-timeline').innerText();
    for (const step of ['录入', '提交审核', '单位负责人审核', '热线管理机构审校']) assert.ok(timeline.includes(step), `timeline shows ${step}`);
  });

  it('an agent finds it by search with the words highlighted, and reports an error', async () => {
    const { page } = await c.loginAs('agent1');
    await page.getByRole('menuitem', { name: '知识检索', exact: true }).click();
    await page.getByLabel('检索内容').fill('无障碍坡道怎么申请补助');
    await page.getByLabel('检索内容').press('Enter');
    const hit = page.locator(`[data-testid="kb-hit"][data-article-id="${id}"]`).first();
    await hit.waitFor();
    assert.ok((await hit.innerText()).includes(TITLE));
    const marks = await hit.getByTestId('kb-snippet').locator('mark').allInnerTexts();
    assert.ok(marks.some((m) => m.includes('坡道') || m.includes('补助')), `highlighted: ${marks.join('|')}`);
    const snippet = await hit.getByTestId('kb-snippet').innerText();
    assert.ok(!snippet.includes('<em>') && !snippet.includes('&lt;'), 'the snippet is rendered, not shown as markup');
    assert.ok((await hit.innerText()).includes('牡丹江市无障碍环境建设实施办法'), 'the source document is named');

    await hit.getByRole('link', { name: TITLE }).click();
    await page.getByTestId('kb-title').waitFor();
    await act(page, '纠错', async (d) => {
      await d.getByLabel('纠错内容').fill(REPORT);
    });
    await page.getByText('待处理纠错 1').waitFor();
  });

  it('the unit sees the report on its to-do list and resolves it', async () => {
    const { page } = await c.loginAs('zjj.staff');
    await page.goto(`${c.baseUrl}/kb/todo`);
    const row = rowOf(page, 'kb-todo-reports', REPORT);
    await row.waitFor();
    await row.getByRole('button', { name: '处理' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('采纳（将修订条目）').click();
    await dialog.getByLabel('处理说明').fill('将补充申请材料清单后修订发布。');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.waitFor({ state: 'detached' });
    await openArticle(page, c.baseUrl, id);
    await page.getByTestId('kb-timeline').getByText('处理纠错反馈').waitFor();
    assert.equal(await page.getByText('待处理纠错').count(), 0);
  });
});
