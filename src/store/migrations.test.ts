// The migrations as databases record them: the names in `kysely_migration` never change, they run
// in the order their names sort, each is a file of its own named by it, and none imports live code
// (a later change to the application must not change what an old migration does).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { MIGRATIONS } from './migrations/index.ts';

const DIR = join(import.meta.dirname, 'migrations');
const names = MIGRATIONS.map(([name]) => name);

/** Every name released so far, as existing databases hold them. */
const RELEASED = [
  '2026-11-01-core',
  '2026-11-02-calendar-day-sources',
  '2026-11-23-knowledge-base',
  '2026-11-24-supervision',
  '2026-11-25-reports',
  '2026-11-26-supervision-board-index',
  '2026-11-27-evaluation',
  '2026-11-30-portal',
  '2026-12-01-quality',
  '2026-12-02-webhooks',
  '2026-12-03-interop-keys',
  '2026-12-04-callback-unit',
  '2026-12-05-evaluation-covering-indexes',
  '2026-12-06-calls',
  '2026-12-08-audit-chain',
  '2026-12-09-login-lockout',
  '2026-12-10-history-partitions',
  '2026-12-11-field-encryption',
  '2026-12-12-report-keywords',
  '2026-12-13-audit-archives',
  '2026-12-14-totp',
  '2026-12-15-call-numbers-sealed',
  '2026-12-16-audit-chain-append',
  '2026-12-17-ticket-keys-per-statement',
  '2026-12-18-audit-chain-at-commit',
  '2026-12-19-callbacks-covering-index',
  '2026-12-20-unit-list-indexes',
  '2026-12-21-portal-credential',
  '2026-12-22-evaluation-exclusions',
  '2026-12-25-account-security',
  '2026-12-26-contact-reveals',
  '2026-12-27-audit-chain-keyed',
  '2026-12-28-open311-contacts-updates',
  '2026-12-29-webhook-unit-scope',
  '2026-12-30-kb-regions',
  '2027-01-05-assignees-notes',
  '2027-01-06-reply-attachments',
  '2027-01-11-portal-photos-in-store',
];

describe('the migrations', () => {
  it('keep every released name, in order, and add only names that sort after them', () => {
    assert.deepEqual(names.slice(0, RELEASED.length), RELEASED);
    assert.deepEqual([...names].sort(), names, 'the list runs in the order the names sort');
    assert.equal(new Set(names).size, names.length, 'no name twice');
  });

  it('are one file each, named by the migration', () => {
    const files = readdirSync(DIR).filter((f) => /^\d{4}-\d\d-\d\d-.+\.ts$/.test(f) && !f.endsWith('.test.ts'));
    assert.deepEqual(files.map((f) => f.slice(0, -3)).sort(), [...names].sort());
  });

  it('import only kysely, node built-ins and their frozen siblings', () => {
    const bad: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      for (const ref of ts.preProcessFile(readFileSync(join(DIR, file), 'utf8'), true, true).importedFiles) {
        const ok = ref.fileName === 'kysely' || ref.fileName.startsWith('node:') || /^\.\/[^/]+\.ts$/.test(ref.fileName);
        if (!ok) bad.push(`${file} → ${ref.fileName}`);
      }
    }
    assert.deepEqual(bad, []);
  });
});
