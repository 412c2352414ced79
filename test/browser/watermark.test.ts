// The console's watermark in a real browser: the logged-in user's name, username and today's date
// tiled over the whole console as a background image that takes no clicks, different for each
// user, still there on paper (print media), where the ticket page drops the menus and buttons and
// says who printed it; the ticket page's 打印 button calls the browser's print.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

/** The watermark layer Ant Design draws: its image, whether it takes clicks, whether it covers the console. */
async function watermarkLayer(page: Page) {
  return page.getByTestId('console-watermark').evaluate((root) => {
    const layer = [...root.querySelectorAll<HTMLElement>('div')].find((d) => d.style.backgroundImage.startsWith('url("data:image/png'));
    if (!layer) return null;
    const style = getComputedStyle(layer);
    const rect = layer.getBoundingClientRect();
    return {
      image: layer.style.backgroundImage,
      pointerEvents: style.pointerEvents,
      display: style.display,
      visibility: style.visibility,
      printAdjust: style.getPropertyValue('print-color-adjust') || style.getPropertyValue('-webkit-print-color-adjust'),
      // Over the whole console: the frame with the menu, the header and the page.
      covers: (() => {
        const frame = root.querySelector('.ant-layout')!.getBoundingClientRect();
        return rect.left <= frame.left && rect.top <= frame.top && rect.right >= frame.right && rect.bottom >= frame.bottom;
      })(),
      rect: [rect.left, rect.top, rect.right, rect.bottom].map(Math.round).join(','),
    };
  });
}

async function shown(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((s) => [...document.querySelectorAll<HTMLElement>(s)].some((e) => getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0), selector);
}

describe('console: watermark and printing', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('a ticket page carries the user’s watermark on screen and on paper; 打印 prints it without the console’s frame', async () => {
    const { page } = await c.loginAs('centre1');
    const list = await page.evaluate(async () => (await fetch('/api/v1/tickets?pageSize=1', { credentials: 'same-origin' })).json());
    const no = list.items[0].no as string;
    await page.goto(`${c.baseUrl}/tickets/${no}`);
    await page.getByTestId('ticket-status').waitFor();

    const mark = page.getByTestId('console-watermark');
    assert.equal(await mark.getAttribute('data-watermark'), `陈志刚（centre1） ${today()}`);
    const screen = await watermarkLayer(page);
    assert.ok(screen, 'the watermark layer is drawn');
    assert.equal(screen.pointerEvents, 'none');
    assert.ok(screen.covers, `the layer covers the whole console: ${screen.rect}`);
    // It takes no clicks: the page's own buttons under it still work.
    await page.getByRole('button', { name: '刷新' }).click();

    const print = page.getByRole('button', { name: '打印' });
    assert.equal(await print.count(), 1);
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
    await print.click();
    assert.equal(await page.evaluate(() => (window as unknown as { printed: number }).printed), 1);
    assert.equal(await shown(page, '[data-testid="print-by"]'), false, 'the printed-by line is for paper only');

    await page.emulateMedia({ media: 'print' });
    const paper = await watermarkLayer(page);
    assert.ok(paper, 'the watermark layer is there in print');
    assert.equal(paper.image, screen.image);
    assert.notEqual(paper.display, 'none');
    assert.equal(paper.visibility, 'visible');
    assert.equal(paper.printAdjust, 'exact', 'the background image is printed');
    assert.equal(await shown(page, '.ant-layout-sider'), false, 'no menu on paper');
    assert.equal(await shown(page, '.ant-layout-header'), false, 'no header on paper');
    assert.equal(await shown(page, '.ant-btn'), false, 'no buttons on paper');
    assert.ok(await shown(page, '[data-testid="requester-name"]'), 'the ticket’s details are printed');
    assert.match(await page.getByTestId('print-by').innerText(), /^打印人：陈志刚（centre1） · 市12345/);
    await page.emulateMedia({ media: 'screen' });
    assert.ok(await shown(page, '.ant-layout-header'));
  });

  it('another user gets a watermark of their own', async () => {
    const centre = (await c.loginAs('centre1')).page;
    const unit = (await c.loginAs('zjj.staff')).page;
    assert.equal(await unit.getByTestId('console-watermark').getAttribute('data-watermark'), `孙明（zjj.staff） ${today()}`);
    const [a, b] = [await watermarkLayer(centre), await watermarkLayer(unit)];
    assert.ok(a && b);
    assert.notEqual(a.image, b.image, 'the image is drawn from the user’s own name');
  });
});
