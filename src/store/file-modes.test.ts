// The files the product writes that hold personal data, keys or the audit log are its owner's alone
// (0600), and the directories it creates for them 0700, whatever the umask: the SQLite store and its
// -wal/-shm, the key file, the SMS log, backups and audit archive files; an older store's 0644 files
// are narrowed when it is opened.
import { after, it, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './db.ts';
import { migrate } from './migrations.ts';
import { backupStore } from './backup.ts';
import { FileSmsGateway } from '../outbox/sms-gateway.ts';
import { writeArchiveFile } from '../audit/archive-file.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('file modes', () => {
  const root = mkdtempSync(join(tmpdir(), 'hotline-modes-'));
  const previous = process.umask(0o022);
  after(() => {
    process.umask(previous);
    rmSync(root, { recursive: true, force: true });
  });

  it('the SQLite store, its -wal and -shm, and the key file are 0600 in a 0700 data directory', async () => {
    const dir = join(root, 'data');
    const store = openStore({ sqliteFile: join(dir, 'hotline.sqlite') });
    try {
      await migrate(store.db, store.engine);
      await store.db.insertInto('counters').values({ name: 'probe', value: 1 }).execute();
      assert.equal(mode(dir), 0o700);
      for (const f of ['hotline.sqlite', 'hotline.sqlite-wal', 'hotline.sqlite-shm', 'hotline.keys']) {
        assert.ok(existsSync(join(dir, f)), f);
        assert.equal(mode(join(dir, f)).toString(8), '600', f);
      }
      // A backup of it.
      const out = join(root, 'backup.sqlite');
      await backupStore({ engine: 'sqlite', sqliteFile: join(dir, 'hotline.sqlite') }, out);
      assert.equal(mode(out).toString(8), '600');
    } finally {
      await store.close();
    }
  });

  it('a store left 0644 by an older version is narrowed to 0600 when opened', async () => {
    const dir = join(root, 'old');
    const first = openStore({ sqliteFile: join(dir, 'hotline.sqlite') });
    await first.close();
    chmodSync(join(dir, 'hotline.sqlite'), 0o644);
    const again = openStore({ sqliteFile: join(dir, 'hotline.sqlite') });
    await again.close();
    assert.equal(mode(join(dir, 'hotline.sqlite')).toString(8), '600');
  });

  it('the SMS log and audit archive files are 0600, their directories 0700', async () => {
    const log = join(root, 'sms', 'sms.log');
    await new FileSmsGateway(log).send({ to: '13800000000', template: 'dispatch_notice', params: { no: 'MDJ1', unit: '住建局', deadline: '明日' } });
    assert.equal(mode(join(root, 'sms')).toString(8), '700');
    assert.equal(mode(log).toString(8), '600');
    // An older log, 0644, is narrowed at the next message.
    const old = join(root, 'old-sms.log');
    writeFileSync(old, '', { mode: 0o644 });
    chmodSync(old, 0o644);
    await new FileSmsGateway(old).send({ to: '13800000000', template: 'dispatch_notice', params: { no: 'MDJ1', unit: '住建局', deadline: '明日' } });
    assert.equal(mode(old).toString(8), '600');

    const file = join(root, 'archive.jsonl.gz');
    async function* batches() {
      yield [];
    }
    await writeArchiveFile(file, batches());
    assert.equal(mode(file).toString(8), '600');
  });
});
