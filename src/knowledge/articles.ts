// Article lifecycle (第十九条 谁提供、谁审核、谁更新、谁负责): a unit drafts, its head approves, the
// hotline centre reviews (and may correct) and publishes; a published article may be revised
// (back to draft) or withdrawn, and past its expiry date it reads 已过期. Each step is one
// transaction with its audit event. Passages are re-cut and re-indexed whenever the text changes.
import type { AppContext } from '../server/context.ts';
import type { Actor } from '../domain/actor.ts';
import type { Role } from '../domain/roles.ts';
import { KB_REPORTERS, KB_WRITERS, type KbArticle, type KbEvent, type KbReport, type KbReportStatus } from './contract.ts';
import { isUnitRole } from '../domain/roles.ts';
import { inTransaction, type Db, type Tx } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { enqueue } from '../outbox/outbox.ts';
import { conflict, forbidden, invalid, notFound, Problem } from '../server/problem.ts';
import { formatShanghai } from '../domain/deadline.ts';
import { replacePassages } from './kb-store.ts';
import { passagesOf, type Passage } from './text.ts';
import { inferDocStatus, inferRegion, type DocStatus } from './regions.ts';
import {
  articleSummary,
  entryDeadline,
  KB_KINDS,
  KB_STATUSES,
  KIND_LABELS,
  STATUS_LABELS,
  today as todayOf,
  unitRef,
  validityOf,
  type ArticleRow,
  type KbKind,
  type KbStatus,
  type Validity,
} from './model.ts';

export interface ArticleInput {
  kind: string;
  title: string;
  unitCode?: string;
  categoryCode?: string | null;
  source?: { title?: string | null; docNo?: string | null; issuer?: string | null; date?: string | null };
  effectiveFrom?: string | null;
  expiresOn?: string | null;
  body: string;
  /** A new policy the unit implements (第十九条: entered within 5 working days); defaults to kind 政策法规 with a date. */
  entryRequired?: boolean;
}

const WRITERS: readonly Role[] = KB_WRITERS;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(field: string, label: string, value: string | null | undefined): string | null {
  if (value == null || value === '') return null;
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw invalid(field, `字段「${label}」应为日期（YYYY-MM-DD）`);
  }
  return value;
}

function checkKind(kind: string): KbKind {
  if (!(KB_KINDS as readonly string[]).includes(kind)) {
    throw invalid('kind', `字段「知识类别」取值无效，可选值：${KB_KINDS.map((k) => `${k}（${KIND_LABELS[k]}）`).join('、')}`);
  }
  return kind as KbKind;
}

/** The unit an article belongs to: a unit user's own; the centre and admins name one. */
function owningUnit(ctx: AppContext, actor: Actor, unitCode: string | undefined): number {
  if (isUnitRole(actor.role)) {
    if (!unitCode) return actor.unitId!;
    const unit = ctx.org.byCodeOrUndefined(unitCode);
    if (!unit || !actor.unitScope?.includes(unit.id)) throw invalid('unitCode', `只能为本单位（含下级单位）录入知识，单位「${unitCode}」不在范围内`);
    return unit.id;
  }
  if (!unitCode) throw invalid('unitCode', '缺少必填字段「所属单位」');
  const unit = ctx.org.byCodeOrUndefined(unitCode);
  if (!unit) throw invalid('unitCode', `单位「${unitCode}」不存在`);
  return unit.id;
}

async function categoryId(tx: Tx, code: string | null | undefined): Promise<number | null> {
  if (!code) return null;
  const cat = await tx.selectFrom('categories').select(['id', 'active']).where('code', '=', code).executeTakeFirst();
  if (!cat || !cat.active) throw invalid('categoryCode', `诉求分类「${code}」不存在`);
  return cat.id;
}

function checkDates(effectiveFrom: string | null, expiresOn: string | null): void {
  if (effectiveFrom && expiresOn && expiresOn < effectiveFrom) throw invalid('expiresOn', '字段「失效日期」不能早于「生效日期」');
}

/** The fields of a new article row shared by hand-written and imported articles. */
export interface NewArticle {
  kind: KbKind;
  title: string;
  unitId: number;
  categoryId: number | null;
  source: { title: string | null; docNo: string | null; issuer: string | null; date: string | null };
  effectiveFrom: string | null;
  expiresOn: string | null;
  body: string;
  passages: Passage[];
  status: KbStatus;
  origin: 'manual' | 'bulletin';
  importKey?: string | null;
  bulletin?: string | null;
  entryRequired: boolean;
  /** The city or county whose rules it states, and whether it is a 讨论稿 (inferred when not given). */
  region?: string | null;
  docStatus?: DocStatus;
}

/** Inserts an article with its indexed passages (inside the caller's transaction). */
export async function insertArticle(ctx: AppContext, tx: Tx, actor: Actor, a: NewArticle, now: string): Promise<number> {
  const row = await tx
    .insertInto('kb_articles')
    .values({
      kind: a.kind,
      title: a.title,
      unit_id: a.unitId,
      category_id: a.categoryId,
      source_title: a.source.title,
      source_doc_no: a.source.docNo,
      source_issuer: a.source.issuer,
      source_date: a.source.date,
      effective_from: a.effectiveFrom,
      expires_on: a.expiresOn,
      body: a.body,
      status: a.status,
      origin: a.origin,
      import_key: a.importKey ?? null,
      bulletin: a.bulletin ?? null,
      entry_required: a.entryRequired ? 1 : 0,
      review_note: null,
      view_count: 0,
      use_count: 0,
      last_used_at: null,
      created_by: actor.userId || null,
      created_at: now,
      updated_at: now,
      submitted_at: null,
      approved_by: null,
      approved_at: null,
      reviewed_by: null,
      published_at: a.status === 'published' ? now : null,
      region: a.region !== undefined ? a.region : (inferRegion({ title: a.title, issuer: a.source.issuer, docNo: a.source.docNo, body: a.body }) ?? ctx.city.name),
      doc_status: a.docStatus ?? inferDocStatus({ title: a.title, body: a.body }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await replacePassages(tx, ctx.store.capabilities.passageIndex, row.id, a.title, a.passages.map((p, seq) => ({ seq, heading: p.heading, text: p.text })));
  return row.id;
}

function checkBody(body: string): Passage[] {
  const passages = passagesOf(body);
  if (!passages.length) throw invalid('body', '字段「正文」不能为空');
  return passages;
}

export async function createArticle(ctx: AppContext, actor: Actor, input: ArticleInput): Promise<{ id: number }> {
  if (!WRITERS.includes(actor.role)) throw forbidden('当前角色无权录入知识');
  const kind = checkKind(input.kind);
  const effectiveFrom = validDate('effectiveFrom', '生效日期', input.effectiveFrom);
  const expiresOn = validDate('expiresOn', '失效日期', input.expiresOn);
  const sourceDate = validDate('source.date', '发文日期', input.source?.date);
  checkDates(effectiveFrom, expiresOn);
  const passages = checkBody(input.body);
  const unitId = owningUnit(ctx, actor, input.unitCode);
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const entryRequired = input.entryRequired ?? (kind === 'policy' && !!(effectiveFrom ?? sourceDate));
    const id = await insertArticle(
      ctx,
      tx,
      actor,
      {
        kind,
        title: input.title.trim(),
        unitId,
        categoryId: await categoryId(tx, input.categoryCode),
        source: { title: input.source?.title || null, docNo: input.source?.docNo || null, issuer: input.source?.issuer || null, date: sourceDate },
        effectiveFrom,
        expiresOn,
        body: input.body,
        passages,
        status: 'draft',
        origin: 'manual',
        entryRequired,
      },
      now,
    );
    await writeEvent(tx, actor, now, { articleId: id, action: 'kb_create', toStatus: 'draft', detail: { kind, unit: ctx.org.get(unitId)!.code, passages: passages.length, entryRequired } });
    return { id };
  });
}

async function lockArticle(ctx: AppContext, tx: Tx, id: number): Promise<ArticleRow> {
  const row = await tx
    .selectFrom('kb_articles')
    .selectAll()
    .where('id', '=', id)
    .$call(ctx.store.capabilities.lockRows)
    .executeTakeFirst();
  if (!row) throw notFound(`知识条目 ${id} 不存在`);
  return row;
}

/** Units see their own articles in every state; everyone sees published ones; centre and admins see all. */
export function canSee(actor: Actor | null, a: Pick<ArticleRow, 'status' | 'unit_id'>): boolean {
  if (a.status === 'published') return true;
  if (!actor) return false;
  if (actor.role === 'admin' || actor.role === 'centre') return true;
  return isUnitRole(actor.role) && !!actor.unitScope?.includes(a.unit_id);
}

const ownsArticle = (actor: Actor, a: Pick<ArticleRow, 'unit_id'>) => !isUnitRole(actor.role) || !!actor.unitScope?.includes(a.unit_id);

export const ARTICLE_ACTIONS = ['submit', 'approve', 'review', 'withdraw', 'revise'] as const;
export type ArticleAction = (typeof ARTICLE_ACTIONS)[number];

export const ARTICLE_ACTION_RULES: Record<ArticleAction, { label: string; from: KbStatus[]; roles: Role[] }> = {
  submit: { label: '提交审核', from: ['draft'], roles: ['unit_staff', 'unit_head', 'centre', 'admin'] },
  approve: { label: '单位负责人审核', from: ['pending_approval'], roles: ['unit_head', 'admin'] },
  review: { label: '热线管理机构审校', from: ['pending_review'], roles: ['centre', 'admin'] },
  withdraw: { label: '撤回', from: ['draft', 'pending_approval', 'pending_review', 'published'], roles: ['unit_staff', 'unit_head', 'centre', 'admin'] },
  revise: { label: '修订', from: ['published', 'withdrawn'], roles: ['unit_staff', 'unit_head', 'centre', 'admin'] },
};

/**
 * A document the centre imported for a unit, not yet through its head (第十九条 谁审核): the head's
 * approval publishes it, since the centre's collection stands for its 审校; no one else may approve.
 */
export const awaitsImportApproval = (a: Pick<ArticleRow, 'origin' | 'status' | 'submitted_at'>) => a.origin === 'bulletin' && a.status === 'pending_approval' && a.submitted_at == null;

/** Why the actor may not take the action now (status and title), or null. */
function refusal(actor: Actor, a: ArticleRow, action: ArticleAction): Problem | null {
  const rule = ARTICLE_ACTION_RULES[action];
  if (!rule.roles.includes(actor.role) || !ownsArticle(actor, a)) return forbidden(`当前用户无权对该知识条目执行「${rule.label}」`);
  if (action === 'approve' && awaitsImportApproval(a) && actor.role !== 'unit_head') return forbidden('热线管理机构导入的公文须由所属单位负责人审核');
  // The unit answers an import by approving or returning it, not by withdrawing it off its entry list.
  if (action === 'withdraw' && awaitsImportApproval(a) && isUnitRole(actor.role)) return forbidden('热线管理机构导入的公文请由单位负责人审核或退回，不能撤回');
  // A published article is the unit head's to withdraw, not the staff's.
  if (action === 'withdraw' && a.status === 'published' && actor.role === 'unit_staff') return forbidden('已发布的知识条目须由单位负责人或热线管理机构撤回');
  if (!rule.from.includes(a.status as KbStatus)) {
    return new Problem(409, 'invalid-state', `知识条目当前状态为「${STATUS_LABELS[a.status as KbStatus] ?? a.status}」，不能执行「${rule.label}」`);
  }
  return null;
}

export function allowedActions(actor: Actor | null, a: ArticleRow): ArticleAction[] {
  if (!actor) return [];
  return ARTICLE_ACTIONS.filter((action) => !refusal(actor, a, action));
}

export interface ActionBody {
  approve?: boolean;
  pass?: boolean;
  note?: string;
  reason?: string;
}

export async function runArticleAction(ctx: AppContext, actor: Actor, id: number, action: ArticleAction, body: ActionBody): Promise<void> {
  if ((action === 'approve' && body.approve === undefined) || (action === 'review' && body.pass === undefined)) {
    throw invalid(action === 'approve' ? 'approve' : 'pass', `缺少必填字段「${action === 'approve' ? '审批结论' : '审核结论'}」`);
  }
  const refusing = (action === 'approve' && body.approve === false) || (action === 'review' && body.pass === false);
  if (refusing && !body.note?.trim()) throw invalid('note', '退回须填写「说明」，告诉单位需要修改什么');
  if (action === 'withdraw' && !body.reason?.trim()) throw invalid('reason', '撤回须填写「理由」');
  await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const a = await lockArticle(ctx, tx, id);
    if (!canSee(actor, a)) throw notFound(`知识条目 ${id} 不存在`);
    const refused = refusal(actor, a, action);
    if (refused) throw refused;
    const from = a.status as KbStatus;
    let to: KbStatus = from;
    const set: Partial<ArticleRow> = { updated_at: now };
    const detail: Record<string, unknown> = {};
    switch (action) {
      case 'submit':
        // A head who submits the unit's article approves it in the same step.
        if (actor.role === 'unit_head') {
          to = 'pending_review';
          Object.assign(set, { approved_by: actor.userId, approved_at: now });
          detail.approvedBySubmitter = true;
        } else {
          to = 'pending_approval';
        }
        Object.assign(set, { submitted_at: now, review_note: null });
        break;
      case 'approve':
        if (awaitsImportApproval(a)) {
          // Approved: published at once; returned: a draft the unit corrects and submits the usual way.
          to = body.approve ? 'published' : 'draft';
          Object.assign(set, body.approve ? { approved_by: actor.userId, approved_at: now, published_at: now, review_note: null } : { review_note: body.note!.trim() });
          detail.imported = true;
        } else {
          to = body.approve ? 'pending_review' : 'draft';
          Object.assign(set, body.approve ? { approved_by: actor.userId, approved_at: now } : { review_note: body.note!.trim() });
        }
        detail.approve = body.approve;
        break;
      case 'review':
        to = body.pass ? 'published' : 'draft';
        Object.assign(set, body.pass ? { reviewed_by: actor.userId, published_at: now, review_note: null } : { reviewed_by: actor.userId, review_note: body.note!.trim() });
        detail.pass = body.pass;
        break;
      case 'withdraw':
        to = 'withdrawn';
        detail.reason = body.reason!.trim();
        break;
      case 'revise':
        to = 'draft';
        break;
    }
    if (body.note?.trim()) detail.note = body.note.trim();
    await tx.updateTable('kb_articles').set({ ...set, status: to }).where('id', '=', id).execute();
    await writeEvent(tx, actor, now, { articleId: id, action: `kb_${action}`, fromStatus: from, toStatus: to, detail });
  });
}

export async function updateArticle(ctx: AppContext, actor: Actor, id: number, input: Partial<ArticleInput>): Promise<void> {
  const kind = input.kind === undefined ? undefined : checkKind(input.kind);
  const passages = input.body === undefined ? undefined : checkBody(input.body);
  await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const a = await lockArticle(ctx, tx, id);
    if (!canSee(actor, a)) throw notFound(`知识条目 ${id} 不存在`);
    // Units edit their drafts; the centre also corrects what it is reviewing (第二十一条 校核纠错).
    const centre = actor.role === 'centre' || actor.role === 'admin';
    const editable = a.status === 'draft' ? WRITERS.includes(actor.role) && ownsArticle(actor, a) : a.status === 'pending_review' && centre;
    if (!editable) {
      if (!WRITERS.includes(actor.role) || !ownsArticle(actor, a)) throw forbidden('当前用户无权修改该知识条目');
      throw new Problem(409, 'invalid-state', `知识条目当前状态为「${STATUS_LABELS[a.status as KbStatus] ?? a.status}」，不能修改${a.status === 'published' ? '（请先「修订」）' : ''}`);
    }
    const effectiveFrom = input.effectiveFrom === undefined ? a.effective_from : validDate('effectiveFrom', '生效日期', input.effectiveFrom);
    const expiresOn = input.expiresOn === undefined ? a.expires_on : validDate('expiresOn', '失效日期', input.expiresOn);
    checkDates(effectiveFrom, expiresOn);
    const set: Partial<ArticleRow> = { updated_at: now, effective_from: effectiveFrom, expires_on: expiresOn };
    const changed: string[] = [];
    if (kind !== undefined && kind !== a.kind) (set.kind = kind), changed.push('kind');
    if (input.title !== undefined && input.title.trim() !== a.title) (set.title = input.title.trim()), changed.push('title');
    if (input.unitCode !== undefined) {
      if (isUnitRole(actor.role) && ctx.org.byCodeOrUndefined(input.unitCode)?.id !== a.unit_id) throw forbidden('承办单位不能把知识条目转给其他单位');
      const unitId = owningUnit(ctx, actor, input.unitCode);
      if (unitId !== a.unit_id) (set.unit_id = unitId), changed.push('unit');
    }
    if (input.categoryCode !== undefined) (set.category_id = await categoryId(tx, input.categoryCode)), changed.push('category');
    if (input.source !== undefined) {
      Object.assign(set, {
        source_title: input.source.title || null,
        source_doc_no: input.source.docNo || null,
        source_issuer: input.source.issuer || null,
        source_date: validDate('source.date', '发文日期', input.source.date),
      });
      changed.push('source');
    }
    if (effectiveFrom !== a.effective_from) changed.push('effectiveFrom');
    if (expiresOn !== a.expires_on) changed.push('expiresOn');
    if (input.entryRequired !== undefined) (set.entry_required = input.entryRequired ? 1 : 0), changed.push('entryRequired');
    if (input.body !== undefined && input.body !== a.body) (set.body = input.body), changed.push('body');
    if (changed.includes('body') || changed.includes('title')) {
      const facts = { title: set.title ?? a.title, issuer: set.source_issuer ?? a.source_issuer, docNo: set.source_doc_no ?? a.source_doc_no, body: set.body ?? a.body };
      set.region = inferRegion(facts) ?? a.region ?? ctx.city.name;
      set.doc_status = inferDocStatus(facts);
    }
    await tx.updateTable('kb_articles').set(set).where('id', '=', id).execute();
    if (changed.includes('body') || changed.includes('title')) {
      const cut = passages ?? passagesOf(a.body);
      await replacePassages(tx, ctx.store.capabilities.passageIndex, id, set.title ?? a.title, cut.map((p, seq) => ({ seq, heading: p.heading, text: p.text })));
    }
    await writeEvent(tx, actor, now, { articleId: id, action: 'kb_update', fromStatus: a.status, toStatus: a.status, detail: { changed } });
  });
}

/** An article in full, for whoever may see it; a view by someone outside the owning unit is counted. */
export async function getArticle(ctx: AppContext, actor: Actor | null, id: number, options: { publicOnly?: boolean } = {}) {
  const db = ctx.store.db;
  const a = await db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirst();
  const date = todayOf(ctx);
  if (!a || !canSee(actor, a) || (options.publicOnly && (a.status !== 'published' || validityOf(a, date) !== 'current'))) throw notFound(`知识条目 ${id} 不存在`);
  if (a.status === 'published' && !(actor && isUnitRole(actor.role) && actor.unitScope?.includes(a.unit_id))) {
    await db.updateTable('kb_articles').set({ view_count: (eb) => eb('view_count', '+', 1) }).where('id', '=', id).execute();
    a.view_count += 1;
  }
  const passages = await db.selectFrom('kb_passages').select(['seq', 'heading', 'text']).where('article_id', '=', id).orderBy('seq').execute();
  const category = a.category_id ? await db.selectFrom('categories').select(['code', 'name']).where('id', '=', a.category_id).executeTakeFirst() : undefined;
  const summary = articleSummary(ctx, a, date);
  if (options.publicOnly) {
    const { views: _v, uses: _u, origin: _o, ...pub } = summary;
    return { ...pub, category: category ?? null, body: a.body, passages };
  }
  const openReports = await db.selectFrom('kb_reports').select((eb) => eb.fn.countAll<number>().as('n')).where('article_id', '=', id).where('status', '=', 'open').executeTakeFirstOrThrow();
  const article: KbArticle = {
    ...summary,
    category: category ?? null,
    body: a.body,
    passages,
    entry: entryDeadline(ctx, a, ctx.clock.now()),
    reviewNote: a.review_note,
    lastUsedAt: a.last_used_at ? formatShanghai(a.last_used_at) : null,
    createdAt: formatShanghai(a.created_at),
    submittedAt: a.submitted_at ? formatShanghai(a.submitted_at) : null,
    approvedAt: a.approved_at ? formatShanghai(a.approved_at) : null,
    openReports: Number(openReports.n),
    /** Imported by the centre for the unit: the head's approval publishes it (第十九条). */
    awaitsImportApproval: awaitsImportApproval(a),
    actions: allowedActions(actor, a),
  };
  return article;
}

export interface ArticleListQuery {
  status?: string;
  kind?: string;
  unit?: string;
  q?: string;
  validity?: Validity;
  /** Only articles waiting to be entered under the 5-working-day rule. */
  entryPending?: boolean;
  page?: number;
  pageSize?: number;
}

/** Articles the caller may see: unit users their units' in every state, the centre all, others published ones. */
export async function listArticles(ctx: AppContext, actor: Actor, query: ArticleListQuery) {
  const db = ctx.store.db;
  const date = todayOf(ctx);
  const now = ctx.clock.now();
  const statuses = query.status ? query.status.split(',').filter(Boolean) : [];
  for (const s of statuses) if (!(KB_STATUSES as readonly string[]).includes(s)) throw invalid('status', `字段「状态」取值无效：${s}`);
  if (query.kind) checkKind(query.kind);
  let unitIds: number[] | undefined;
  if (query.unit) {
    const unit = ctx.org.byCodeOrUndefined(query.unit);
    if (!unit) throw invalid('unit', `单位「${query.unit}」不存在`);
    unitIds = ctx.org.subtreeIds(unit.id);
  }
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  let q = db.selectFrom('kb_articles');
  if (isUnitRole(actor.role)) q = q.where('unit_id', 'in', actor.unitScope?.length ? actor.unitScope : [-1]);
  else if (actor.role !== 'centre' && actor.role !== 'admin') q = q.where('status', '=', 'published');
  if (statuses.length) q = q.where('status', 'in', statuses);
  if (query.kind) q = q.where('kind', '=', query.kind);
  if (unitIds) q = q.where('unit_id', 'in', unitIds);
  if (query.q) q = q.where('title', 'like', `%${query.q.replace(/[%_\\]/g, '')}%`);
  if (query.validity === 'current') q = q.where((eb) => eb.and([eb.or([eb('effective_from', 'is', null), eb('effective_from', '<=', date)]), eb.or([eb('expires_on', 'is', null), eb('expires_on', '>=', date)])]));
  if (query.validity === 'expired') q = q.where('expires_on', '<', date);
  if (query.validity === 'upcoming') q = q.where('effective_from', '>', date);
  if (query.entryPending) q = q.where('entry_required', '=', 1).where('status', 'in', ['draft', 'pending_approval', 'pending_review']);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
  return {
    total: Number(total.n),
    page,
    pageSize,
    items: rows.map((a) => ({ ...articleSummary(ctx, a, date), entry: entryDeadline(ctx, a, now), reviewNote: a.review_note })),
  };
}

/** The article's timeline from the audit log. */
export async function articleEvents(ctx: AppContext, actor: Actor, id: number): Promise<KbEvent[]> {
  const db = ctx.store.db;
  const a = await db.selectFrom('kb_articles').select(['status', 'unit_id']).where('id', '=', id).executeTakeFirst();
  if (!a || !canSee(actor, a)) throw notFound(`知识条目 ${id} 不存在`);
  const rows = await db
    .selectFrom('events as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .select(['e.id', 'e.at', 'e.action', 'e.role', 'e.unit_id', 'e.from_status', 'e.to_status', 'e.detail', 'u.display_name'])
    .where('e.article_id', '=', id)
    .orderBy('e.id')
    .execute();
  const labels: Record<string, string> = { kb_create: '录入', kb_update: '修改', kb_import: '从政府公报导入', kb_use: '用于直接解答', kb_report: '纠错反馈', kb_report_resolve: '处理纠错反馈' };
  for (const [action, rule] of Object.entries(ARTICLE_ACTION_RULES)) labels[`kb_${action}`] = rule.label;
  return rows.map((r) => ({
    id: Number(r.id),
    at: formatShanghai(r.at),
    action: r.action,
    actionLabel: labels[r.action] ?? r.action,
    actor: { name: r.display_name ?? '系统', role: r.role as Role | null, unit: unitRef(ctx, r.unit_id) },
    fromStatus: r.from_status,
    toStatus: r.to_status,
    detail: r.detail ? JSON.parse(r.detail) : null,
  }));
}

/**
 * 直接解答 with an article (called by intake, in its transaction): the article must be published and
 * in force; the use is counted and logged on the article.
 */
/** The article's id when it may answer a request now (published and in force); refuses otherwise. */
export async function directAnswerArticle(db: Db | Tx, articleId: string, now: string): Promise<number> {
  const id = /^\d{1,9}$/.test(articleId) ? Number(articleId) : NaN;
  const a = Number.isFinite(id) ? await db.selectFrom('kb_articles').select(['id', 'title', 'status', 'effective_from', 'expires_on', 'doc_status']).where('id', '=', id).executeTakeFirst() : undefined;
  if (!a) throw invalid('answer.articleId', `字段「知识条目」无效：知识条目 ${articleId} 不存在`);
  if (a.status !== 'published') throw invalid('answer.articleId', `知识条目「${a.title}」未发布，不能用于直接解答`);
  if (validityOf(a, formatShanghai(now).slice(0, 10)) !== 'current') throw invalid('answer.articleId', `知识条目「${a.title}」不在有效期内，不能用于直接解答`);
  return id;
}

export async function useInDirectAnswer(ctx: AppContext, tx: Tx, actor: Actor, articleId: string, ticketNo: string, now: string): Promise<void> {
  const id = await directAnswerArticle(tx, articleId, now);
  await tx
    .updateTable('kb_articles')
    .set({ use_count: (eb) => eb('use_count', '+', 1), last_used_at: now })
    .where('id', '=', id)
    .execute();
  await writeEvent(tx, actor, now, { articleId: id, action: 'kb_use', detail: { ticketNo } });
}

/** An agent's 纠错 report, routed to the owning unit (listed there, and an SMS to its duty phone). */
export async function reportArticle(ctx: AppContext, actor: Actor, id: number, body: { content: string; passageSeq?: number }): Promise<{ id: number }> {
  if (!KB_REPORTERS.includes(actor.role)) throw forbidden('当前角色无权提交纠错反馈');
  return inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const a = await tx.selectFrom('kb_articles').select(['id', 'title', 'status', 'unit_id']).where('id', '=', id).executeTakeFirst();
    if (!a || !canSee(actor, a)) throw notFound(`知识条目 ${id} 不存在`);
    if (a.status !== 'published') throw conflict('只能对已发布的知识条目提交纠错反馈');
    if (body.passageSeq !== undefined) {
      const p = await tx.selectFrom('kb_passages').select('id').where('article_id', '=', id).where('seq', '=', body.passageSeq).executeTakeFirst();
      if (!p) throw invalid('passageSeq', `字段「段落」无效：该条目没有第 ${body.passageSeq} 段`);
    }
    const row = await tx
      .insertInto('kb_reports')
      .values({ article_id: id, passage_seq: body.passageSeq ?? null, unit_id: a.unit_id, content: body.content.trim(), status: 'open', reported_by: actor.userId, reported_at: now, resolved_by: null, resolved_at: null, resolution_note: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const unit = ctx.org.get(a.unit_id);
    if (unit?.smsPhone) await enqueue(tx, 'sms', { to: unit.smsPhone, template: 'kb_notice', params: { title: a.title.slice(0, 40), matter: '收到纠错反馈' } }, now);
    await writeEvent(tx, actor, now, { articleId: id, action: 'kb_report', detail: { reportId: row.id, passageSeq: body.passageSeq ?? null, unit: unit?.code ?? null } });
    return { id: row.id };
  });
}

/** 纠错 reports: a unit sees those on its articles, the centre all, an agent the ones they filed. */
export async function listReports(ctx: AppContext, actor: Actor, query: { status?: string }): Promise<{ items: KbReport[] }> {
  let q = ctx.store.db
    .selectFrom('kb_reports as r')
    .innerJoin('kb_articles as a', 'a.id', 'r.article_id')
    .leftJoin('users as u', 'u.id', 'r.reported_by')
    .select(['r.id', 'r.article_id', 'a.title', 'r.passage_seq', 'r.unit_id', 'r.content', 'r.status', 'r.reported_at', 'r.resolved_at', 'r.resolution_note', 'u.display_name']);
  if (isUnitRole(actor.role)) q = q.where('r.unit_id', 'in', actor.unitScope?.length ? actor.unitScope : [-1]);
  else if (actor.role !== 'centre' && actor.role !== 'admin') q = q.where('r.reported_by', '=', actor.userId);
  if (query.status) q = q.where('r.status', '=', query.status);
  const rows = await q.orderBy('r.id', 'desc').limit(200).execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      article: { id: r.article_id, title: r.title },
      passageSeq: r.passage_seq,
      unit: unitRef(ctx, r.unit_id),
      content: r.content,
      status: r.status as KbReportStatus,
      reportedBy: r.display_name,
      reportedAt: formatShanghai(r.reported_at),
      resolvedAt: r.resolved_at ? formatShanghai(r.resolved_at) : null,
      resolutionNote: r.resolution_note,
    })),
  };
}

/** The owning unit (or the centre) accepts a report (and will revise the article) or rejects it, with a note. */
export async function resolveReport(ctx: AppContext, actor: Actor, id: number, body: { accept: boolean; note: string }): Promise<void> {
  if (!WRITERS.includes(actor.role)) throw forbidden('当前角色无权处理纠错反馈');
  await inTransaction(ctx.store.db, async (tx) => {
    const now = ctx.clock.now();
    const r = await tx.selectFrom('kb_reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r || (isUnitRole(actor.role) && !actor.unitScope?.includes(r.unit_id))) throw notFound(`纠错反馈 ${id} 不存在`);
    if (r.status !== 'open') throw conflict('该纠错反馈已处理');
    const status = body.accept ? 'accepted' : 'rejected';
    await tx.updateTable('kb_reports').set({ status, resolved_by: actor.userId, resolved_at: now, resolution_note: body.note.trim() }).where('id', '=', id).execute();
    await writeEvent(tx, actor, now, { articleId: r.article_id, action: 'kb_report_resolve', fromStatus: 'open', toStatus: status, detail: { reportId: id } });
  });
}
