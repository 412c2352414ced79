// The kind of an attachment told by its name and first bytes, the name it is kept under, and the
// download's Content-Disposition: table tests.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { attachmentKind, cleanFileName, downloadDisposition } from './attachments.ts';

const b = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const PNG = b([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR');
const JPG = b([0xff, 0xd8, 0xff, 0xe0], 'JFIF');
const OLE = b([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'ole');
const zip = (...names: string[]) => b([0x50, 0x4b, 0x03, 0x04], ...names.map((n) => `....${n}....`));
const HEIC = b([0, 0, 0, 0x18], 'ftypheic', 'mif1');

const KINDS: Array<[string, Buffer, string | 'empty' | 'extension' | 'content']> = [
  ['现场照片.jpg', JPG, 'image/jpeg'],
  ['现场照片.JPEG', JPG, 'image/jpeg'],
  ['现场照片.png', PNG, 'image/png'],
  ['动图.gif', b('GIF89a...'), 'image/gif'],
  ['照片.webp', b('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
  ['手机照片.heic', HEIC, 'image/heic'],
  ['整改通知书.pdf', b('%PDF-1.7\n'), 'application/pdf'],
  ['答复函.docx', zip('[Content_Types].xml', 'word/document.xml'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['台账.xlsx', zip('[Content_Types].xml', 'xl/workbook.xml'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['汇报.pptx', zip('[Content_Types].xml', 'ppt/presentation.xml'), 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  ['答复函.doc', OLE, 'application/msword'],
  ['台账.xls', OLE, 'application/vnd.ms-excel'],
  ['汇报.ppt', OLE, 'application/vnd.ms-powerpoint'],
  // Refused: nothing in it, a kind not allowed by name, and content that is not what the name says.
  ['空.png', Buffer.alloc(0), 'empty'],
  ['page.html', b('<html>'), 'extension'],
  ['script.js', b('alert(1)'), 'extension'],
  ['no-extension', PNG, 'extension'],
  ['archive.zip', zip('a.txt'), 'extension'],
  ['通知.pdf', b('<!doctype html><script>'), 'content'],
  ['照片.png', JPG, 'content'],
  ['照片.docx', PNG, 'content'],
  ['压缩包改名.docx', zip('a.txt'), 'content'],
  ['表格改名.docx', zip('[Content_Types].xml', 'xl/workbook.xml'), 'content'],
  ['svg.png', b('<svg onload=alert(1)>'), 'content'],
];

for (const [name, content, want] of KINDS) {
  it(`attachment kind: ${name} → ${want}`, () => {
    const got = attachmentKind(name, content);
    assert.equal('kind' in got ? got.kind.contentType : got.refused, want);
  });
}

const NAMES: Array<[string, string]> = [
  ['现场照片.png', '现场照片.png'],
  ['C:\\Users\\孙明\\Desktop\\现场照片.png', '现场照片.png'],
  ['../../etc/passwd.pdf', 'passwd.pdf'],
  ['a"b\u0000c\nd.pdf', 'abcd.pdf'],
  ['', '附件'],
  [`${'长'.repeat(200)}.pdf`, `${'长'.repeat(116)}.pdf`],
];
for (const [raw, want] of NAMES) {
  it(`kept file name: ${JSON.stringify(raw.slice(0, 30))} → ${want.slice(0, 20)}`, () => assert.equal(cleanFileName(raw), want));
}

it('a download is always an attachment, the Chinese name in filename* and an ASCII fallback', () => {
  assert.equal(downloadDisposition('整改通知书（2026）.pdf'), `attachment; filename="attachment.pdf"; filename*=UTF-8''${encodeURIComponent('整改通知书').replace(/[()]/g, '')}%EF%BC%882026%EF%BC%89.pdf`);
  assert.equal(downloadDisposition("it's (a).png"), "attachment; filename=\"attachment.png\"; filename*=UTF-8''it%27s%20%28a%29.png");
});
