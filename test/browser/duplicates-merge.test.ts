// Cross-caller duplicates in Chromium on the demo: two neighbours have reported the same blocked
// stairwell; a third caller's matter is flagged at intake while the agent types, and the centre
// merges the three callers' tickets on the 并单台 into one main ticket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

const PLACE = '西安区西长安街120号春华园小区5号楼';
const FACTS = ['春华园小区5号楼楼道堆满杂物，物业不清理，有消防隐患', '5号楼楼道里杂物堆积很多天，物业一直不清理，存在消防隐患'];

describe('console: cross-caller duplicates and 并单', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  const nos: string[] = [];
  before(async () => {
    c = await startConsole();
    const login = await fetch(`${c.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent2', password: DEMO_PASSWORD }) });
    const token = ((await login.json()) as { token: string }).token;
    for (const [i, facts] of FACTS.entries()) {
      const res = await fetch(`${c.baseUrl}/api/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'phone', type: 'complaint', categoryCode: 'ZFWY-WY', requester: { kind: 'person', name: '邻居', phone: `1390453770${i}` }, facts, address: PLACE, disposition: 'dispatch' }),
      });
      assert.equal(res.status, 201, await res.clone().text());
      nos.push(((await res.json()) as { no: string }).no);
    }
  });
  after(() => c?.stop());

  it('flags the neighbours’ tickets at intake while the agent types, then the centre merges all three', async () => {
    const { page } = await c.loginAs('agent1');
    await page.goto(`${c.baseUrl}/intake`);
    await page.getByLabel('联系电话').fill('13904537799');
    await page.getByText('投诉', { exact: true }).first().click();
    await page.getByLabel('诉求分类').click();
    await page.keyboard.type('物业服务');
    await page.keyboard.press('Enter');
    await page.getByLabel('涉事地址').fill(PLACE);
    await page.getByLabel('诉求事实').fill('我家5号楼楼道杂物堆放严重，物业不清理，有消防隐患');
    const flagged = page.getByTestId('intake-other-callers');
    await flagged.waitFor();
    for (const no of nos) await flagged.locator(`[data-candidate="${no}"]`).waitFor();
    // Not a block: the agent dispatches the third caller's ticket as usual.
    await page.getByLabel('诉求事实').focus();
    await page.keyboard.press('Control+Enter');
    const result = page.getByTestId('intake-result-no');
    await result.waitFor();
    const third = (await result.textContent())!.trim();

    const { page: desk } = await c.loginAs('centre1');
    await desk.goto(`${c.baseUrl}/duplicates`);
    const group = desk.locator('[data-testid="duplicate-group"]', { has: desk.locator(`[data-ticket-no="${third}"]`) });
    await group.waitFor();
    for (const no of nos) await group.locator(`[data-ticket-no="${no}"]`).waitFor();
    await group.getByLabel(`以 ${nos[0]} 为主工单`).check();
    await group.getByTestId('merge-group').click();
    await desk.getByText(`并入 ${nos[0]}`, { exact: false }).waitFor();
    const main = await (await desk.request.get(`${c.baseUrl}/api/v1/tickets/${nos[0]}`)).json();
    assert.ok(main.repeatCount >= 2);
    for (const no of [nos[1], third]) {
      const t = await (await desk.request.get(`${c.baseUrl}/api/v1/tickets/${no}`)).json();
      assert.equal(t.status, 'merged', `${no} is merged`);
    }
  });
});
