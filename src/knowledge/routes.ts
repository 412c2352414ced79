// /api/v1/kb/…: the knowledge base for logged-in users (search, smart answer, articles and their
// lifecycle, 纠错 reports, to-do, flags, usage, synonyms, settings, bulletin import), and
// /api/v1/public/kb/…: read-only search, smart answer and articles for the government website
// (一网通查、一网通答), no login, published articles in force only.
import { ROLES } from '../domain/roles.ts';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { actorOf, requireRole } from '../auth/plugin.ts';
import { invalid } from '../server/problem.ts';
import { obj, text } from '../server/schemas.ts';
import { searchKb } from './search.ts';
import { placeNamed } from './regions.ts';
import { smartAnswer } from './answer.ts';
import {
  ARTICLE_ACTION_RULES,
  ARTICLE_ACTIONS,
  articleEvents,
  createArticle,
  getArticle,
  listArticles,
  listReports,
  reportArticle,
  resolveReport,
  runArticleAction,
  updateArticle,
  type ActionBody,
  type ArticleInput,
  type ArticleListQuery,
} from './articles.ts';
import { kbFlags, kbStats, kbTodo } from './quality.ts';
import { createSynonyms, deleteSynonyms, listSynonyms, updateSynonyms } from './synonyms.ts';
import { kbSettings, updateKbSettings, type KbSettings } from './settings.ts';
import { importBulletin } from './import.ts';
import { publicKbLimit } from './public-limit.ts';
import { KB_WRITERS, type KbHit, type KbMeta, type KbSearchResult, type PublicKbHit } from './contract.ts';
import { KB_KINDS, KB_STATUSES, KIND_LABELS, STATUS_LABELS, VALIDITIES, type KbKind, type Validity } from './model.ts';

export const PUBLIC_UNKNOWN = '抱歉，暂未找到相关答案。您可以拨打12345热线或在政府网站留言咨询。';

const idParam = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } }, required: ['id'] };
const nullableText = (max: number) => ({ type: ['string', 'null'], maxLength: max });
const DATE = { type: ['string', 'null'], pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' };

const articleFields = {
  kind: text(20),
  title: text(200),
  unitCode: text(40),
  categoryCode: nullableText(40),
  source: obj({ title: nullableText(300), docNo: nullableText(60), issuer: nullableText(100), date: DATE }),
  effectiveFrom: DATE,
  expiresOn: DATE,
  body: text(200_000),
  entryRequired: { type: 'boolean' },
};

const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: text(200),
    unit: text(40),
    kind: text(20),
    validity: { type: 'string', enum: [...VALIDITIES] },
    limit: { type: 'integer', minimum: 1, maximum: 50 },
    perArticle: { type: 'integer', minimum: 1, maximum: 50 },
    region: text(20),
  },
  required: ['q'],
};

interface SearchQuery {
  q: string;
  unit?: string;
  kind?: string;
  validity?: Validity;
  limit?: number;
  perArticle?: number;
  /** 牡丹江市, 鸡西市 … or all; by default the platform's city unless the question names another place. */
  region?: string;
}

function filtersOf(ctx: AppContext, query: { unit?: string; kind?: string; region?: string }) {
  if (query.region !== undefined && query.region !== 'all' && !placeNamed(query.region)) {
    throw invalid('region', `字段「地区」取值无效：${query.region}（填写市、县名称，如 ${ctx.city.name}，或 all 表示不限地区）`);
  }
  let unitIds: number[] | undefined;
  if (query.unit) {
    const unit = ctx.org.byCodeOrUndefined(query.unit);
    if (!unit) throw invalid('unit', `单位「${query.unit}」不存在`);
    unitIds = ctx.org.subtreeIds(unit.id);
  }
  if (query.kind && !(KB_KINDS as readonly string[]).includes(query.kind)) {
    throw invalid('kind', `字段「知识类别」取值无效，可选值：${KB_KINDS.map((k) => `${k}（${KIND_LABELS[k]}）`).join('、')}`);
  }
  const region = query.region === undefined || query.region === 'all' ? query.region : placeNamed(query.region)!;
  return { unitIds, kinds: query.kind ? [query.kind as KbKind] : undefined, region };
}

function requireKind(body: Partial<ArticleInput>): void {
  if (!body.kind) throw invalid('kind', '缺少必填字段「知识类别」');
}

/** The hits as the API gives them (the plan shows how the question was understood). */
async function search(ctx: AppContext, query: SearchQuery, publicOnly: boolean): Promise<KbSearchResult<KbHit | PublicKbHit>> {
  const { plan, hits, region } = await searchKb(ctx, {
    q: query.q,
    ...filtersOf(ctx, query),
    validity: publicOnly ? 'current' : (query.validity ?? 'any'),
    limit: query.limit ?? 10,
    perArticle: query.perArticle,
  });
  return {
    query: { q: query.q, words: plan.words.map((w) => w.label), synonyms: plan.synonyms, regions: region.regions, namedRegion: region.named },
    total: hits.length,
    items: publicOnly
      ? hits.map(({ article: { views: _v, uses: _u, origin: _o, ...article }, ...hit }) => ({ ...hit, article }))
      : hits,
  };
}

export const knowledgeRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const tags = ['knowledge base'];

  app.get('/kb/meta', { schema: { tags, summary: '知识库代码表：知识类别、状态、操作' }, onRequest: requireRole() }, async (): Promise<KbMeta> => ({
    kinds: KB_KINDS.map((k) => ({ code: k, label: KIND_LABELS[k] })),
    statuses: [...KB_STATUSES, 'expired' as const].map((s) => ({ code: s, label: STATUS_LABELS[s] })),
    actions: ARTICLE_ACTIONS.map((a) => ({ code: a, label: ARTICLE_ACTION_RULES[a].label, from: ARTICLE_ACTION_RULES[a].from, roles: ARTICLE_ACTION_RULES[a].roles })),
  }));

  app.get<{ Querystring: SearchQuery }>(
    '/kb/search',
    { schema: { tags, summary: '知识库检索（中文分词、同义词、按单位/类别/有效期筛选，高亮摘要）', querystring: searchQuery }, onRequest: requireRole() },
    async (request) => search(ctx, request.query, false),
  );

  app.get<{ Querystring: SearchQuery }>(
    '/kb/answer',
    { schema: { tags, summary: '智能解答：最佳段落、来源文件与置信度；低于阈值时回答“不知道”', querystring: searchQuery }, onRequest: requireRole() },
    async (request) => smartAnswer(ctx, request.query.q, { ...filtersOf(ctx, request.query), validity: request.query.validity ?? 'current' }),
  );

  app.get<{ Querystring: ArticleListQuery }>(
    '/kb/articles',
    {
      schema: {
        tags,
        summary: '知识条目列表（单位看本单位全部，热线管理机构看全部，其他角色看已发布）',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: text(200),
            kind: text(20),
            unit: text(40),
            q: text(100),
            validity: { type: 'string', enum: [...VALIDITIES] },
            entryPending: { type: 'boolean' },
            page: { type: 'integer', minimum: 1, maximum: 100000 },
            pageSize: { type: 'integer', minimum: 1, maximum: 100 },
          },
        },
      },
      onRequest: requireRole(),
    },
    async (request) => listArticles(ctx, actorOf(request), request.query),
  );

  app.post<{ Body: ArticleInput }>(
    '/kb/articles',
    { schema: { tags, summary: '录入知识条目（草稿）', body: obj(articleFields, ['title', 'body']) }, onRequest: requireRole(...KB_WRITERS) },
    async (request, reply) => {
      requireKind(request.body);
      const { id } = await createArticle(ctx, actorOf(request), request.body);
      reply.code(201);
      return getArticle(ctx, actorOf(request), id);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/kb/articles/:id',
    { schema: { tags, summary: '知识条目详情（含段落、录入期限红黄灯、可执行操作）', params: idParam }, onRequest: requireRole() },
    async (request) => getArticle(ctx, actorOf(request), request.params.id),
  );

  app.put<{ Params: { id: number }; Body: Partial<ArticleInput> }>(
    '/kb/articles/:id',
    { schema: { tags, summary: '修改知识条目（草稿；审校中的由热线管理机构校正）', params: idParam, body: obj(articleFields) }, onRequest: requireRole(...KB_WRITERS) },
    async (request) => {
      await updateArticle(ctx, actorOf(request), request.params.id, request.body);
      return getArticle(ctx, actorOf(request), request.params.id);
    },
  );

  const actionBodies: Record<string, Record<string, unknown>> = {
    submit: obj({ note: text(1000, 0) }),
    approve: obj({ approve: { type: 'boolean' }, note: text(1000, 0) }, ['approve']),
    review: obj({ pass: { type: 'boolean' }, note: text(1000, 0) }, ['pass']),
    withdraw: obj({ reason: text(1000) }, ['reason']),
    revise: obj({ note: text(1000, 0) }),
  };
  for (const action of ARTICLE_ACTIONS) {
    const rule = ARTICLE_ACTION_RULES[action];
    app.post<{ Params: { id: number }; Body: ActionBody }>(
      `/kb/articles/:id/actions/${action}`,
      { schema: { tags, summary: `${rule.label}（角色：${rule.roles.join('、')}）`, params: idParam, body: actionBodies[action] }, onRequest: requireRole(), config: { roles: rule.roles } },
      async (request) => {
        await runArticleAction(ctx, actorOf(request), request.params.id, action, request.body ?? {});
        return getArticle(ctx, actorOf(request), request.params.id);
      },
    );
  }

  app.get<{ Params: { id: number } }>(
    '/kb/articles/:id/events',
    { schema: { tags, summary: '知识条目流转记录（审计事件）', params: idParam }, onRequest: requireRole() },
    async (request) => ({ items: await articleEvents(ctx, actorOf(request), request.params.id) }),
  );

  app.post<{ Params: { id: number }; Body: { content: string; passageSeq?: number } }>(
    '/kb/articles/:id/reports',
    { schema: { tags, summary: '纠错反馈（转所属单位处理）', params: idParam, body: obj({ content: text(2000), passageSeq: { type: 'integer', minimum: 0, maximum: 100000 } }, ['content']) }, onRequest: requireRole(), config: { roles: ['agent', 'team_lead', 'centre', 'admin'] } },
    async (request, reply) => {
      const created = await reportArticle(ctx, actorOf(request), request.params.id, request.body);
      reply.code(201);
      return created;
    },
  );

  app.get<{ Querystring: { status?: string } }>(
    '/kb/reports',
    { schema: { tags, summary: '纠错反馈列表（单位看本单位的）', querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['open', 'accepted', 'rejected'] } } } }, onRequest: requireRole() },
    async (request) => listReports(ctx, actorOf(request), request.query),
  );

  app.post<{ Params: { id: number }; Body: { accept: boolean; note: string } }>(
    '/kb/reports/:id/resolve',
    { schema: { tags, summary: '处理纠错反馈（采纳或不采纳，须说明）', params: idParam, body: obj({ accept: { type: 'boolean' }, note: text(1000) }, ['accept', 'note']) }, onRequest: requireRole(), config: { roles: ['unit_staff', 'unit_head', 'centre', 'admin'] } },
    async (request) => {
      await resolveReport(ctx, actorOf(request), request.params.id, request.body);
      return { id: request.params.id, status: request.body.accept ? 'accepted' : 'rejected' };
    },
  );

  app.get('/kb/todo', { schema: { tags, summary: '知识库待办：限时录入（红黄灯）、待审核、待审校、被退回、纠错、维护提醒' }, onRequest: requireRole() }, async (request) => kbTodo(ctx, actorOf(request)));

  app.get<{ Querystring: { unit?: string } }>(
    '/kb/flags',
    { schema: { tags, summary: '维护提醒：已过期或长期未更新的已发布条目', querystring: { type: 'object', additionalProperties: false, properties: { unit: text(40) } } }, onRequest: requireRole(), config: { roles: ['unit_staff', 'unit_head', 'centre', 'admin', 'authority'] } },
    async (request) => kbFlags(ctx, actorOf(request), request.query),
  );

  app.get('/kb/stats', { schema: { tags, summary: '知识库使用与维护统计（浏览、直接解答使用、纠错）' }, onRequest: requireRole(), config: { roles: ROLES.filter((r) => r !== 'agent') } }, async (request) => kbStats(ctx, actorOf(request)));

  app.get('/kb/synonyms', { schema: { tags, summary: '同义词组' }, onRequest: requireRole() }, async () => ({ items: await listSynonyms(ctx) }));

  const synonymBody = obj({ terms: { type: 'array', items: text(20), minItems: 2, maxItems: 20 } }, ['terms']);
  app.post<{ Body: { terms: string[] } }>('/kb/synonyms', { schema: { tags, summary: '新增同义词组（管理员）', body: synonymBody }, onRequest: requireRole('admin') }, async (request, reply) => {
    reply.code(201);
    return createSynonyms(ctx, actorOf(request), request.body.terms);
  });
  app.put<{ Params: { id: number }; Body: { terms: string[] } }>(
    '/kb/synonyms/:id',
    { schema: { tags, summary: '修改同义词组（管理员）', params: idParam, body: synonymBody }, onRequest: requireRole('admin') },
    async (request) => updateSynonyms(ctx, actorOf(request), request.params.id, request.body.terms),
  );
  app.delete<{ Params: { id: number } }>('/kb/synonyms/:id', { schema: { tags, summary: '删除同义词组（管理员）', params: idParam }, onRequest: requireRole('admin') }, async (request, reply) => {
    await deleteSynonyms(ctx, actorOf(request), request.params.id);
    return reply.code(204).send();
  });

  app.get('/kb/settings', { schema: { tags, summary: '知识库设置' }, onRequest: requireRole() }, async () => kbSettings(ctx));
  app.put<{ Body: Partial<KbSettings> }>(
    '/kb/settings',
    { schema: { tags, summary: '修改知识库设置（管理员）', body: obj({ answerThreshold: { type: 'number', minimum: 0, maximum: 1 }, staleAfterDays: { type: 'integer', minimum: 1, maximum: 3650 } }) }, onRequest: requireRole('admin') },
    async (request) => updateKbSettings(ctx, actorOf(request), request.body),
  );

  app.post<{ Body: { text: string; unitCode?: string; bulletin?: string } }>(
    '/kb/import',
    { schema: { tags, summary: '导入政府公报（拆分为公文，每篇一条政策法规；重复导入不变；指定承办单位时待该单位负责人审核后发布）', body: obj({ text: text(900_000), unitCode: text(40), bulletin: text(100) }, ['text']) }, onRequest: requireRole('centre', 'admin') },
    async (request) => importBulletin(ctx, actorOf(request), request.body.text, { unitCode: request.body.unitCode, bulletin: request.body.bulletin }),
  );

  // 一网通查、一网通答: the government website reads published articles in force, without login,
  // within a per-IP limit (./public-limit.ts).
  const publicLimit = publicKbLimit(ctx);
  app.get<{ Querystring: SearchQuery }>(
    '/public/kb/search',
    { schema: { tags: ['public'], summary: '公开检索：已发布且在有效期内的知识', querystring: { ...searchQuery, properties: { q: text(200), unit: text(40), kind: text(20), limit: { type: 'integer', minimum: 1, maximum: 20 }, region: text(20) } }, security: [] }, onRequest: publicLimit },
    async (request) => search(ctx, request.query, true),
  );
  app.get<{ Querystring: SearchQuery }>(
    '/public/kb/answer',
    { schema: { tags: ['public'], summary: '公开智能问答', querystring: { ...searchQuery, properties: { q: text(200), unit: text(40), kind: text(20), region: text(20) } }, security: [] }, onRequest: publicLimit },
    async (request) => {
      const answer = await smartAnswer(ctx, request.query.q, { ...filtersOf(ctx, request.query), validity: 'current' });
      return answer.known ? answer : { ...answer, message: PUBLIC_UNKNOWN };
    },
  );
  app.get<{ Params: { id: number } }>(
    '/public/kb/articles/:id',
    { schema: { tags: ['public'], summary: '公开知识条目', params: idParam, security: [] }, onRequest: publicLimit },
    async (request) => getArticle(ctx, null, request.params.id, { publicOnly: true }),
  );
};
