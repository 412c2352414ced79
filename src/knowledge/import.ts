// Import of government bulletins (政府公报): each document becomes a 政策法规 article with its source
// (title, 文号, issuing body, date), validity and passages. Without a unit named, the centre files the
// bulletin as it always has: published, owned by the issuing body's unit when the platform knows it
// (else by the centre). Named for a handling unit (`--unit CODE`, `unitCode`), the import is material
// the centre collected on that unit's behalf: 第十九条 谁提供、谁审核 wants the unit head's approval
// before it is entered, so each article waits for it (pending_approval, not searched, not answered)
// under the 5-working-day entry limit, and the unit is told by notification and SMS (outbox).
// A document already imported (same title, 文号 and date) is left as it is, so importing a file twice
// changes nothing.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppContext } from '../server/context.ts';
import { PROJECT_ROOT } from '../server/project-root.ts';
import type { Actor } from '../domain/actor.ts';
import type { Unit } from '../org/directory.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { invalid } from '../server/problem.ts';
import { splitBulletin, type BulletinDocument } from './bulletin.ts';
import { canonical } from './text.ts';
import { insertArticle } from './articles.ts';
import { entryDeadlineOf, KB_KINDS, type KbKind, type KbStatus } from './model.ts';
import { HANDLING_UNIT_KINDS } from '../org/seed.ts';
import { enqueue } from '../outbox/outbox.ts';
import { notify } from '../notifications/notifications.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { refreshStatistics } from './kb-store.ts';

export interface ImportOptions {
  /** The owning unit of every document; by default the issuing body's unit, else the centre. */
  unitCode?: string;
  kind?: KbKind;
  /** The bulletin's name, recorded on each article. */
  bulletin?: string | null;
}

export interface ImportResult {
  bulletin: string | null;
  documents: number;
  created: Array<{ id: number; title: string; docNo: string | null; unit: string; passages: number; status: KbStatus }>;
  unchanged: Array<{ id: number; title: string }>;
}

/** What identifies a document across imports. */
export function importKey(doc: Pick<BulletinDocument, 'title' | 'docNo' | 'date'>): string {
  return createHash('sha256').update(`${canonical(doc.title)}|${doc.docNo ?? ''}|${doc.date ?? ''}`).digest('hex').slice(0, 32);
}

const shortName = (name: string) => name.replace(/^(牡丹江市|市)/, '');

/**
 * The platform's unit for an issuing body: the unit whose name (without 牡丹江市/市) shares the
 * longest beginning with it, when that covers most of the unit's name (市住房公积金管理中心 for
 * 牡丹江市住房公积金管理委员会, 牡丹江市人民政府 for 牡丹江市人民政府办公室).
 */
export function unitForIssuer(units: Unit[], issuer: string | null): Unit | undefined {
  if (!issuer) return undefined;
  const target = shortName(issuer);
  let best: { unit: Unit; common: number } | undefined;
  for (const unit of units) {
    if (unit.kind === 'subunit') continue;
    const name = shortName(unit.name);
    let common = 0;
    while (common < name.length && common < target.length && name[common] === target[common]) common++;
    if (common >= 3 && common / name.length >= 0.75 && (!best || common > best.common)) best = { unit, common };
  }
  return best?.unit;
}

export async function importDocuments(ctx: AppContext, actor: Actor, documents: BulletinDocument[], options: ImportOptions = {}): Promise<Omit<ImportResult, 'bulletin' | 'documents'>> {
  const kind = options.kind ?? 'policy';
  if (!(KB_KINDS as readonly string[]).includes(kind)) throw invalid('kind', `字段「知识类别」取值无效：${kind}`);
  const fixed = options.unitCode ? ctx.org.byCodeOrUndefined(options.unitCode) : undefined;
  if (options.unitCode && !fixed) throw invalid('unitCode', `单位「${options.unitCode}」不存在`);
  const centre = ctx.org.firstOfKind('centre');
  const units = ctx.org.all();
  // For a handling unit: its head approves before anything is published (第十九条).
  const forUnit = !!fixed && HANDLING_UNIT_KINDS.has(fixed.kind);
  const status: KbStatus = forUnit ? 'pending_approval' : 'published';
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const created: ImportResult['created'] = [];
    const unchanged: ImportResult['unchanged'] = [];
    for (const doc of documents) {
      const key = importKey(doc);
      const existing = await tx.selectFrom('kb_articles').select(['id', 'title']).where('import_key', '=', key).executeTakeFirst();
      if (existing) {
        unchanged.push(existing);
        continue;
      }
      const unit = fixed ?? unitForIssuer(units, doc.issuer) ?? centre;
      if (!unit) throw invalid('unitCode', '未找到知识条目的所属单位，请指定 --unit');
      const id = await insertArticle(
        ctx,
        tx,
        actor,
        {
          kind,
          title: doc.title,
          unitId: unit.id,
          categoryId: null,
          source: { title: doc.title, docNo: doc.docNo, issuer: doc.issuer, date: doc.date },
          effectiveFrom: doc.effectiveFrom ?? doc.date,
          expiresOn: doc.expiresOn,
          body: doc.body,
          passages: doc.passages,
          status,
          origin: 'bulletin',
          importKey: key,
          bulletin: options.bulletin ?? null,
          entryRequired: forUnit,
        },
        now,
      );
      await writeEvent(tx, actor, now, { articleId: id, action: 'kb_import', toStatus: status, detail: { bulletin: options.bulletin ?? null, docNo: doc.docNo, unit: unit.code, passages: doc.passages.length, forUnit } });
      created.push({ id, title: doc.title, docNo: doc.docNo, unit: unit.code, passages: doc.passages.length, status });
    }
    if (forUnit && created.length) {
      const due = entryDeadlineOf({ effective_from: null, source_date: null, origin: 'bulletin', created_at: now }, ctx.city.limits['kb.entry'], ctx.calendar.current());
      const first = created[0].title.slice(0, 40);
      const matter = `等 ${created.length} 篇公文已由热线管理机构导入，待单位负责人审核后发布`;
      if (fixed.smsPhone) await enqueue(tx, 'sms', { to: fixed.smsPhone, template: 'kb_notice', params: { title: first, matter } }, now);
      await notify(tx, { unitId: fixed.id, kind: 'kb_approval', title: `知识库：${created.length} 篇导入公文待单位负责人审核`, body: `《${first}》${matter}${due ? `；录入时限至 ${formatShanghai(due.dueAt).slice(0, 10)}（第十九条）` : ''}`, link: '/kb/todo' }, now);
    }
    return { created, unchanged };
  });
}

/** Splits a bulletin's text into its documents and imports them, in one transaction. */
export async function importBulletin(ctx: AppContext, actor: Actor, text: string, options: ImportOptions = {}): Promise<ImportResult> {
  const bulletin = splitBulletin(text);
  if (!bulletin.documents.length) throw invalid('text', '未能从文本中识别出公文');
  const name = options.bulletin ?? bulletin.name;
  const result = await importDocuments(ctx, actor, bulletin.documents, { ...options, bulletin: name });
  if (result.created.length) await refreshStatistics(ctx.store.db, ctx.store.capabilities.passageIndex);
  return { bulletin: name, documents: bulletin.documents.length, ...result };
}

/** The example bulletins shipped with the product (demo/bulletins). */
export const SEED_BULLETIN_DIR = join(PROJECT_ROOT, 'demo', 'bulletins');

export function seedBulletinFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => join(dir, f));
}

/** Imports every seed bulletin; the demo calls it. */
export async function importSeedBulletins(ctx: AppContext, actor: Actor, dir: string): Promise<{ files: number; created: number; unchanged: number }> {
  let created = 0;
  let unchanged = 0;
  const files = seedBulletinFiles(dir);
  for (const file of files) {
    const result = await importBulletin(ctx, actor, readFileSync(file, 'utf8'));
    created += result.created.length;
    unchanged += result.unchanged.length;
  }
  return { files: files.length, created, unchanged };
}
