// Files on a unit's reply through the HTTP API: upload with the reply (multipart), listed on the
// ticket, downloaded by whoever may read the ticket with the very bytes sent, refused by content
// and size with nothing stored, and kept in the store's backup.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describeEachEngine, startTestApp, type Response, type TestApp } from '../../test/support/app.ts';
import { newTicket, ok, refused, setClock, view } from '../../test/support/handling.ts';
import pg from 'pg';
import { backupStore, restoreStore } from '../store/backup.ts';
import { freshDatabase } from '../../test/support/databases.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-photo-of-the-stairwell')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const HTML = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');

type Part = { field: string; value: string } | { field: string; filename: string; content: Buffer; type?: string };

/** A multipart/form-data body, as a browser's FormData sends it. */
function form(parts: Part[]): { payload: Buffer; contentType: string } {
  const boundary = `----hotline${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('value' in p) chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.field}"\r\n\r\n${p.value}\r\n`));
    else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.field}"; filename="${p.filename}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`));
      chunks.push(p.content, Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function send(t: TestApp, username: string, method: 'GET' | 'POST', url: string, body?: { payload: Buffer; contentType: string }): Promise<Response & { raw: Buffer }> {
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'test-password' } });
  const token = JSON.parse(login.body).token as string;
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': body.contentType } : {}) },
    ...(body ? { payload: body.payload } : {}),
  });
  let parsed: unknown = res.body;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    /* a file */
  }
  return { status: res.statusCode, body: parsed, headers: res.headers, raw: res.rawPayload };
}

const replyWith = (t: TestApp, no: string, files: Part[], by = 'zjj.staff', action = 'reply') =>
  send(t, by, 'POST', `/api/v1/tickets/${no}/actions/${action}`, form([{ field: 'content', value: '已到现场核实，楼道杂物已清理，见照片及整改通知书。' }, ...files]));

describeEachEngine('答复附件 (reply attachments)', (engine) => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(engine);
  });
  after(() => t.close());

  async function signedTicket() {
    setClock(t, '2026-03-02T09:00');
    const created = await newTicket(t);
    await ok(t, 'zjj.staff', created.no, 'sign');
    setClock(t, '2026-03-03T10:00');
    return created.no as string;
  }

  it('a reply carries a photo and a PDF: listed on the ticket, downloaded with the same bytes by the roles that see the ticket', async () => {
    const no = await signedTicket();
    const res = await replyWith(t, no, [
      { field: 'attachments', filename: '楼道现场照片.png', content: PNG, type: 'image/png' },
      // The claimed type is ignored: the content says PDF.
      { field: 'attachments', filename: '整改通知书（2026）.pdf', content: PDF, type: 'text/html' },
    ]);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'replied');
    const reply = (await view(t, no)).submissions.at(-1);
    assert.equal(reply.kind, 'reply');
    assert.deepEqual(
      reply.attachments.map((a: any) => [a.name, a.contentType, a.size]),
      [
        ['楼道现场照片.png', 'image/png', PNG.length],
        ['整改通知书（2026）.pdf', 'application/pdf', PDF.length],
      ],
    );

    const [photo, pdf] = reply.attachments;
    for (const who of ['zjj.staff', 'zjj.head', 'centre1', 'agent1', 'admin', 'authority1']) {
      const got = await send(t, who, 'GET', pdf.url);
      assert.equal(got.status, 200, `${who}: ${got.status}`);
      assert.ok(got.raw.equals(PDF), `${who} got other bytes`);
      assert.equal(got.headers['content-type'], 'application/pdf');
      assert.equal(got.headers['x-content-type-options'], 'nosniff');
      assert.match(String(got.headers['content-disposition']), /^attachment; filename="attachment\.pdf"; filename\*=UTF-8''/);
      assert.ok(String(got.headers['content-disposition']).includes(encodeURIComponent('整改通知书')), 'the Chinese name travels in filename*');
    }
    const image = await send(t, 'zjj.staff', 'GET', photo.url);
    assert.ok(image.raw.equals(PNG));
    assert.equal(image.headers['content-type'], 'image/png');

    // Another unit does not learn the ticket exists, nor its files; nor is a file reached through another ticket's number.
    assert.equal((await send(t, 'scjgj.staff', 'GET', pdf.url)).status, 404);
    const other = await newTicket(t);
    assert.equal((await send(t, 'admin', 'GET', `/api/v1/tickets/${other.no}/attachments/${pdf.id}`)).status, 404);

    // The audit trail counts the files and never names them.
    const events = await t.ctx.store.db.selectFrom('events').select(['action', 'detail']).execute();
    const replyEvent = events.filter((e) => e.action === 'reply').at(-1)!;
    assert.equal(JSON.parse(String(replyEvent.detail)).attachments, 2);
    assert.ok(!JSON.stringify(events).includes('楼道现场照片'), 'a file name reached the audit trail');
  });

  it('a file whose content is not an allowed type is refused in Chinese naming the field, and nothing is stored', async () => {
    const no = await signedTicket();
    for (const file of [
      { field: 'attachments', filename: '通知.pdf', content: HTML, type: 'application/pdf' }, // a page renamed .pdf
      { field: 'attachments', filename: '通知.html', content: HTML, type: 'text/html' },
      { field: 'attachments', filename: '照片.docx', content: PNG }, // a photo renamed .docx
      { field: 'attachments', filename: '空.png', content: Buffer.alloc(0) },
    ]) {
      const res = await refused(t, no, () => replyWith(t, no, [{ field: 'attachments', filename: '现场.png', content: PNG }, file]), 400, /附件.*第 2 个文件/);
      assert.equal(res.body.errors[0].field, 'attachments');
    }
    assert.equal((await view(t, no)).status, 'in_progress');
  });

  it('a file over 10 MB, or a sixth file, is refused and nothing is stored', async () => {
    const no = await signedTicket();
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1 - PDF.length, 0x20)]);
    const res = await refused(t, no, () => replyWith(t, no, [{ field: 'attachments', filename: '大文件.pdf', content: big }]), 413, /10 MB/);
    assert.equal(res.body.errors[0].field, 'attachments');
    const six = Array.from({ length: 6 }, (_, i) => ({ field: 'attachments', filename: `照片${i + 1}.png`, content: PNG }));
    await refused(t, no, () => replyWith(t, no, six), 400, /至多 5 个/);
    // Exactly 10 MB is allowed.
    const edge = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 - PDF.length, 0x20)]);
    const accepted = await replyWith(t, no, [{ field: 'attachments', filename: '恰好十兆.pdf', content: edge }]);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const stored = (await view(t, no)).submissions.at(-1).attachments;
    assert.equal(stored[0].size, edge.length);
    assert.ok((await send(t, 'centre1', 'GET', stored[0].url)).raw.equals(edge));
  });

  it('a refused action keeps none of its files; a unit without the duty cannot attach; a progress report may carry files', async () => {
    const no = await signedTicket();
    // Another unit: the ticket is not theirs.
    const res = await replyWith(t, no, [{ field: 'attachments', filename: '现场.png', content: PNG }], 'scjgj.staff');
    assert.equal(res.status, 404);
    // Files only on the attachments field, and the text is still checked by the action's schema.
    await refused(t, no, () => send(t, 'zjj.staff', 'POST', `/api/v1/tickets/${no}/actions/reply`, form([{ field: 'content', value: '见附件' }, { field: 'photo', filename: 'a.png', content: PNG }])), 400, /photo/);
    await refused(t, no, () => send(t, 'zjj.staff', 'POST', `/api/v1/tickets/${no}/actions/reply`, form([{ field: 'attachments', filename: 'a.png', content: PNG }])), 400);
    const progress = await replyWith(t, no, [{ field: 'attachments', filename: '进度.png', content: PNG }], 'zjj.staff', 'progress');
    // No progress report is owed on an ordinary ticket: refused as the action always was, keeping no file.
    assert.equal(progress.status, 409);
    // A malformed form (no closing boundary, a boundary that never comes, NUL in the text) is a 400, never a 5xx.
    const cut = form([{ field: 'content', value: '见附件' }, { field: 'attachments', filename: 'a.png', content: PNG }]);
    for (const broken of [
      { payload: cut.payload.subarray(0, cut.payload.length - 20), contentType: cut.contentType },
      { payload: Buffer.from('not a form at all'), contentType: 'multipart/form-data; boundary=nothing-here' },
      { payload: Buffer.from('x'), contentType: 'multipart/form-data' },
      form([{ field: 'content', value: '见\u0000附件' }]),
    ]) {
      const res = await refused(t, no, () => send(t, 'zjj.staff', 'POST', `/api/v1/tickets/${no}/actions/reply`, broken), 400);
      assert.match(res.body.title, /[\u4e00-\u9fff]/, 'the refusal is in Chinese');
    }
    const replied = await replyWith(t, no, [{ field: 'attachments', filename: '现场.png', content: PNG }]);
    assert.equal(replied.status, 200);
  });

  it('the files are in the store, so a backup carries them: restored into an empty store, the bytes are back', async () => {
    const no = await signedTicket();
    assert.equal((await replyWith(t, no, [{ field: 'attachments', filename: '备份.pdf', content: PDF }])).status, 200);
    const dir = mkdtempSync(join(tmpdir(), 'hotline-attach-backup-'));
    const target = await freshDatabase(engine);
    try {
      const file = join(dir, 'backup.dump');
      await backupStore({ engine, url: t.database.url, sqliteFile: t.database.sqliteFile }, file);
      await restoreStore({ engine, url: target.url, sqliteFile: target.sqliteFile }, file);
      let data: Buffer | undefined;
      if (engine === 'sqlite') {
        const copy = new SQLite(target.sqliteFile!, { readonly: true });
        data = (copy.prepare('select data from reply_attachments where file_name = ?').get('备份.pdf') as { data: Buffer } | undefined)?.data;
        copy.close();
      } else {
        const client = new pg.Client({ connectionString: target.url });
        await client.connect();
        data = (await client.query('select data from reply_attachments where file_name = $1', ['备份.pdf'])).rows[0]?.data;
        await client.end();
      }
      assert.ok(data && Buffer.from(data).equals(PDF), 'the restored store holds the file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await target.drop();
    }
  });
});
