// A unit answers with files in the console: the reply dialog takes a photo and a PDF with the text,
// the ticket page lists them under 答复与意见, and the link downloads the very bytes under their
// Chinese names; a page renamed .pdf is refused with the field named and the dialog stays open.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { skipWithoutBrowser, startConsole, type RunningConsole } from './support.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('stairwell-photo')]);
const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');

describe('console: attachments on a reply', { skip: skipWithoutBrowser }, () => {
  let c: RunningConsole;
  before(async () => {
    c = await startConsole();
  });
  after(() => c?.stop());

  it('a unit replies with a photo and a PDF; the ticket lists them and they download as sent', async () => {
    const { page } = await c.loginAs('zjj.staff');
    const list = await page.evaluate(async () => (await fetch('/api/v1/tickets?status=in_progress&pageSize=50')).json());
    const no = (list.items as Array<{ no: string }>)[0]?.no;
    assert.ok(no, 'ZJJ has a ticket in progress on the demo');
    await page.goto(`${c.baseUrl}/tickets/${no}`);
    await page.locator('[data-testid="ticket-actions"] button[data-action="reply"]').click();
    const modal = page.locator('.ant-modal-content').last();
    await modal.getByLabel('反馈内容').fill('已到现场核实，楼道杂物已清理，见现场照片和整改通知书。');
    const input = modal.locator('input[type="file"]');

    // Refused by content: the dialog stays, the error names the field, nothing is replied.
    await input.setInputFiles([{ name: '整改通知书.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>1</script>') }]);
    await modal.getByRole('button', { name: /确\s*定/ }).click();
    await page.locator('.ant-message').getByText(/附件.*第 1 个文件/).waitFor();
    assert.equal(await modal.isVisible(), true);

    await modal.locator('.ant-upload-list-item').first().hover();
    await modal.locator('.ant-upload-list-item button').first().click();
    await input.setInputFiles([
      { name: '楼道现场照片.png', mimeType: 'image/png', buffer: PNG },
      { name: '整改通知书.pdf', mimeType: 'application/pdf', buffer: PDF },
    ]);
    await modal.getByRole('button', { name: /确\s*定/ }).click();
    await modal.waitFor({ state: 'detached' });

    const files = page.getByTestId('submission-attachments').first();
    await files.getByText('楼道现场照片.png').waitFor();
    assert.match(await files.innerText(), /整改通知书\.pdf/);
    const download = page.waitForEvent('download');
    await files.getByText('整改通知书.pdf').click();
    const got = await download;
    assert.equal(got.suggestedFilename(), '整改通知书.pdf');
    assert.ok(readFileSync((await got.path())!).equals(PDF), 'the downloaded bytes are the uploaded ones');
  });
});
