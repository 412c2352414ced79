// Open311 GeoReport v2 at /open311/v2/ (../shared/spec/open311.md): the dispatch catalogue's active
// leaf categories as services, citizens' requests from other systems (the city website, apps,
// FixMyStreet) as tickets through the intake use-case, and their progress back.
//
// Decisions (docs/interop.md):
// - Reads need no key (the spec asks a key only for POST) and show public fields only: no name,
//   phone or e-mail; description and address with phone and ID numbers and the requester's name
//   masked; confidential tickets are never listed.
// - POST numbers the ticket at once (it waits in 待派单 for an agent), so it answers the
//   service_request_id (services are `realtime`) and a token that stays answerable.
// - A retried POST is the first ticket: the token is derived from the key and the client's request
//   id (Idempotency-Key, attribute[client_request_id]) or the content within a window, and is the
//   ticket's external_id, unique per origin in the store; a racing retry loses on that constraint.
// - phone is optional (e-mail or none): the agent adds the phone before dispatch (第二条).
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { Problem } from '../server/problem.ts';
import { DEFAULT_OPEN311 } from '../config/city.ts';
import { createTicket, PHONE_SCHEMA } from '../tickets/intake.ts';
import { eventActionLabel } from '../tickets/queries.ts';
import { ticketNumbered } from '../tickets/model.ts';
import { inTransaction } from '../store/db.ts';
import { writeEvent } from '../audit/events.ts';
import { TICKET_TYPES, TICKET_TYPE_LABELS, type TicketType } from '../domain/ticket-types.ts';
import { INTERNAL_ACTIONS, STATUS_LABELS, type TicketStatus } from '../domain/ticket-states.ts';
import { formatShanghai, parseInstant } from '../domain/deadline.ts';
import { maskText } from '../domain/masking.ts';
import { PHOTO_LIMITS, sniffPhoto } from '../portal/service.ts';
import { checkApiKey, KEY_REFUSALS, keyActor, presentedKey, type ApiKeyRow, type Scope } from '../auth/api-keys.ts';
import { isUniqueViolation } from '../store/unique-violation.ts';
import { filesOf, MULTIPART_LIMITS, Open311Error, normaliseBody, parseFormBody, parseMultipart, send, sendError, sendList, splitFormat, toXml, type Format } from './open311-format.ts';

export const OPEN311_PREFIX = '/open311/v2';
/** Open311 requests enter as 网站 tickets; their external_id is the token handed to the client. */
export const OPEN311_CHANNEL = 'web';
const TOKEN_PREFIX = 'o311-';

/** Ticket states as Open311 open/closed; the Chinese state goes in status_notes. */
export const OPEN311_STATUS: Record<TicketStatus, 'open' | 'closed'> = {
  pending_dispatch: 'open',
  dispatched: 'open',
  in_progress: 'open',
  returned: 'open',
  disputed: 'open',
  awaiting_approval: 'open',
  replied: 'open',
  callback: 'open',
  closed: 'closed',
  archived: 'closed',
  answered: 'closed',
  rejected: 'closed',
  transferred: 'closed',
  merged: 'closed',
};
const CLOSED_STATUSES = Object.entries(OPEN311_STATUS).filter(([, v]) => v === 'closed').map(([k]) => k);

const DAY_MS = 86_400_000;
const MAX_WINDOW_DAYS = 90;
const MAX_PAGE = 1000;
const PENDING_NOTE = '待派单（热线已受理，待派往承办单位）';

type Row = Record<string, string | number | boolean | null>;

/** The attributes every service takes (service definition). */
function attributesOf(ctx: AppContext) {
  const districts = ctx.org.all().filter((u) => u.kind === 'district' && u.active !== false);
  return [
    {
      variable: true,
      code: 'request_type',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: '诉求类型，决定办理时限（第十五条）',
      order: 1,
      description: '诉求类型',
      values: TICKET_TYPES.map((t) => ({ key: t, name: TICKET_TYPE_LABELS[t] })),
    },
    {
      variable: true,
      code: 'district',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: '事发地所在县（市）区',
      order: 2,
      description: '所在县（市）区',
      values: districts.map((u) => ({ key: u.code, name: u.name })),
    },
    {
      variable: true,
      code: 'confidential',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: '是否要求对诉求人信息保密（GB/T 33358）',
      order: 3,
      description: '信息保密',
      values: [
        { key: 'no', name: '不保密' },
        { key: 'yes', name: '保密' },
      ],
    },
    {
      variable: true,
      code: 'client_request_id',
      datatype: 'string',
      required: false,
      datatype_description: '客户端的诉求编号：重发同一编号不会新建工单（幂等）',
      order: 4,
      description: '客户端诉求编号',
      values: [] as Array<{ key: string; name: string }>,
    },
  ];
}

interface Service {
  id: number;
  code: string;
  name: string;
  group: string | null;
  keywords: string;
  description: string;
}

/** Active leaf categories of the dispatch catalogue. */
async function services(ctx: AppContext): Promise<Service[]> {
  const rows = await ctx.store.db.selectFrom('categories').select(['id', 'code', 'name', 'parent_id', 'keywords', 'legal_basis', 'active']).orderBy('id').execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const hasActiveChild = new Set(rows.filter((r) => r.active && r.parent_id != null).map((r) => r.parent_id));
  return rows
    .filter((r) => r.active && !hasActiveChild.has(r.id))
    .map((r) => {
      const group = r.parent_id != null ? (byId.get(r.parent_id)?.name ?? null) : null;
      return {
        id: r.id,
        code: r.code,
        name: r.name,
        group,
        keywords: r.keywords ?? '',
        description: [group ? `${group}：${r.name}` : r.name, r.legal_basis ? `（依据：${r.legal_basis}）` : ''].join(''),
      };
    });
}

/** Which state an Open311 `open`/`closed` stands for, in words; a merged request names the ticket it joined. */
export function statusNotes(status: TicketStatus, mergedInto?: string): string {
  if (status === 'pending_dispatch') return PENDING_NOTE;
  return `${STATUS_LABELS[status] ?? status}${status === 'merged' && mergedInto ? `（并入工单 ${mergedInto}）` : ''}`;
}

/** Masks what might identify the requester inside free text (the one masker of src/domain/masking.ts). */
function scrub(text: string, name: string | null, phone: string | null, idNo: string | null): string {
  // kind 'person': Open311 readers are the public, so even a company requester's name is masked.
  return maskText(text, { kind: 'person', name, phone, idNumber: idNo });
}

async function requestRows(ctx: AppContext, where: (q: any) => any, order: 'created' | 'updated', limit: number, offset: number): Promise<Row[]> {
  const db = ctx.store.db;
  let q = db
    .selectFrom('tickets as t')
    .leftJoin('categories as c', 'c.id', 't.category_id')
    .select([
      't.id',
      't.no',
      't.status',
      't.facts',
      't.address',
      't.address_id',
      't.lat',
      't.long',
      't.media_url',
      't.lead_unit_id',
      't.requester_name',
      't.requester_phone',
      't.requester_id_no',
      't.created_at',
      't.updated_at',
      't.merged_into_id',
      'c.code as service_code',
      'c.name as service_name',
    ])
    .where('t.confidential', '=', 0);
  q = where(q);
  q = order === 'updated' ? q.orderBy('t.updated_at', 'asc').orderBy('t.id', 'asc') : q.orderBy('t.created_at', 'desc').orderBy('t.id', 'desc');
  const rows = await q.limit(limit).offset(offset).execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.id));
  const duties = await db
    .selectFrom('duties')
    .select(['ticket_id', 'due_at'])
    .where('ticket_id', 'in', ids)
    .where('kind', '=', 'reply')
    .where('party', '=', 'lead')
    .where('status', '=', 'open')
    .execute();
  const due = new Map<number, string>();
  for (const d of duties) {
    const prev = due.get(Number(d.ticket_id));
    if (!prev || Date.parse(d.due_at) < Date.parse(prev)) due.set(Number(d.ticket_id), d.due_at);
  }
  const mergedIds = rows.map((r) => r.merged_into_id).filter((x): x is number => x != null);
  const mergedNos = mergedIds.length ? new Map((await db.selectFrom('tickets').select(['id', 'no']).where('id', 'in', mergedIds.map(Number)).execute()).map((m) => [Number(m.id), m.no])) : new Map<number, string>();
  const centre = ctx.org.firstOfKind('centre');
  return rows.map((r) => {
    const status = r.status as TicketStatus;
    const mergedInto = r.merged_into_id != null ? mergedNos.get(Number(r.merged_into_id)) : undefined;
    return {
      service_request_id: r.no,
      status: OPEN311_STATUS[status] ?? 'open',
      status_notes: statusNotes(status, mergedInto),
      service_name: r.service_name ?? null,
      service_code: r.service_code ?? null,
      description: scrub(r.facts, r.requester_name, r.requester_phone, r.requester_id_no),
      agency_responsible: ctx.org.get(r.lead_unit_id)?.name ?? centre?.name ?? null,
      service_notice: null,
      requested_datetime: formatShanghai(r.created_at),
      updated_datetime: formatShanghai(r.updated_at),
      expected_datetime: due.has(Number(r.id)) ? formatShanghai(due.get(Number(r.id))!) : null,
      address: r.address ? scrub(r.address, r.requester_name, r.requester_phone, r.requester_id_no) : null,
      address_id: r.address_id ?? null,
      zipcode: null,
      lat: r.lat == null ? null : Number(r.lat),
      long: r.long == null ? null : Number(r.long),
      media_url: r.media_url ?? null,
    };
  });
}

type Query = Record<string, unknown>;

/** Every value of a parameter: repeated (`status=open&status=closed`) and comma lists alike; empty ones dropped. */
export function listValues(q: Query, name: string): string[] {
  const raw = q[name];
  const all = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return all.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
}

/** A single-valued parameter: the last non-empty one (an empty optional parameter counts as absent). */
function oneValue(q: Query, name: string): string | undefined {
  const raw = q[name];
  const all = (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== undefined && v !== null).map((v) => String(v).trim());
  return all.filter(Boolean).pop();
}

/**
 * start_date/end_date and the like: an instant with a zone, or a date alone, read as that day in
 * Shanghai (from its first millisecond for a lower bound, to its last for an upper one).
 */
export function dateParam(value: string | undefined, field: string, bound: 'from' | 'to'): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const iso = parseInstant(`${value}T${bound === 'from' ? '00:00:00.000' : '23:59:59.999'}+08:00`);
    if (iso) return iso;
  }
  const iso = parseInstant(value);
  if (!iso) throw new Open311Error(400, `${field}：须为带时区的 ISO 8601 时刻（如 2026-03-02T09:00:00+08:00）或日期（如 2026-03-02，按北京时间整日）`);
  return iso;
}

function limitList(list: string[], field: string, max = 200): string[] | undefined {
  if (!list.length) return undefined;
  if (list.length > max) throw new Open311Error(400, `${field}：一次最多查询 ${max} 项`);
  return list;
}

function intParam(value: string | undefined, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new Open311Error(400, `${field}：须为 ${min} 至 ${max} 的整数`);
  return Number(value);
}

/** Open311 names of the intake fields, for errors the intake use-case raises. */
const FIELD_NAMES: Record<string, string> = {
  categoryCode: 'service_code',
  facts: 'description',
  'requester.phone': 'phone',
  'requester.name': 'first_name/last_name',
  address: 'address_string',
  districtCode: 'attribute[district]',
  type: 'attribute[request_type]',
};

function fromProblem(p: Problem): Open311Error {
  const errors = (p.extra.errors as Array<{ field: string; message: string }> | undefined) ?? [];
  const field = errors[0]?.field;
  const name = field ? (FIELD_NAMES[field] ?? field) : undefined;
  const status = p.status === 403 ? 403 : p.status === 404 ? 404 : p.status === 429 ? 429 : p.status >= 500 ? 500 : 400;
  return new Open311Error(status, name ? `${name}：${p.title}` : p.title);
}

/**
 * The tokens under which a POST may already have made its ticket. With the client's own request id
 * (Idempotency-Key header, attribute[client_request_id] or FixMyStreet's attribute[fixmystreet_id])
 * it is one token for good; without one, the content (service_code, description, location,
 * contact) in the window of `now` and the window before, so a repeat within one window (and at most
 * two) is found. The HMAC under the key's stored hash keeps tokens unguessable from the content.
 */
export function requestTokens(key: Pick<ApiKeyRow, 'id' | 'key_hash'>, clientId: string | undefined, content: readonly unknown[], nowMs: number, windowMs: number): { token: string; earlier: string[] } {
  const mk = (basis: string) => `${TOKEN_PREFIX}${createHmac('sha256', key.key_hash).update(`${key.id}\n${basis}`).digest('hex').slice(0, 40)}`;
  if (clientId) return { token: mk(`id:${clientId}`), earlier: [] };
  const window = Math.floor(nowMs / windowMs);
  const body = JSON.stringify(content);
  return { token: mk(`content:${window}:${body}`), earlier: [mk(`content:${window - 1}:${body}`)] };
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  'access-control-allow-headers': 'Content-Type, X-API-Key, Idempotency-Key',
  'access-control-max-age': '86400',
};

export async function open311Routes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  const config = ctx.city.open311 ?? DEFAULT_OPEN311;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseFormBody(String(body)));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // Photos as uReport, FixMyStreet and `three` send them: `media` file parts, at most three of 2 MB.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: PHOTO_LIMITS.maxCount * PHOTO_LIMITS.maxBytes + MULTIPART_LIMITS.parts * MULTIPART_LIMITS.fieldBytes }, (req, body, done) => {
    try {
      done(null, parseMultipart(body as Buffer, String(req.headers['content-type'] ?? '')));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  const formatOf = (request: FastifyRequest): Format => (request.url.split('?')[0]!.toLowerCase().endsWith('.xml') ? 'xml' : 'json');
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const format = formatOf(request);
    if (error instanceof Open311Error) return sendError(reply, format, error);
    if (error instanceof Problem) return sendError(reply, format, fromProblem(error));
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, format, new Open311Error(413, `请求体过大：照片最多 ${PHOTO_LIMITS.maxCount} 张，每张不超过 2MB`));
    if (status < 500) return sendError(reply, format, new Open311Error(status === 404 ? 404 : 400, status === 415 ? '不支持的请求内容类型，请使用 application/x-www-form-urlencoded、multipart/form-data 或 application/json' : '请求无效，请检查参数格式'));
    request.log.error({ err: error }, 'open311 error');
    return sendError(reply, format, new Open311Error(500, '服务器内部错误，请稍后重试'));
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, formatOf(request), new Open311Error(404, '请求的资源不存在')));

  // Reads are public: browsers on other sites may call them (CORS), errors included.
  app.addHook('onSend', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') reply.header('access-control-allow-origin', '*');
  });
  // One endpoint serves one jurisdiction; a client naming another gets 400 rather than our data.
  app.addHook('preHandler', async (request) => {
    const j = oneValue((request.query ?? {}) as Query, 'jurisdiction_id') ?? (request.body && typeof request.body === 'object' ? oneValue(request.body as Query, 'jurisdiction_id') : undefined);
    if (j !== undefined && j.toLowerCase() !== config.jurisdictionId.toLowerCase() && j.toLowerCase() !== ctx.city.code.toLowerCase()) {
      throw new Open311Error(400, `jurisdiction_id：本接口只服务「${config.jurisdictionId}」（${ctx.city.name}），不受理「${j}」`);
    }
  });

  /** The caller's key, holding one of `scopes`, within its rate; else a 403 or 429 in Open311's format. */
  const authenticate = async (request: FastifyRequest, scopes: Scope[]): Promise<ApiKeyRow> => {
    const check = await checkApiKey(ctx, presentedKey(request.headers, request.query, request.body), scopes);
    if (check.ok) return check.key;
    if (check.reason === 'rate') throw new Open311Error(429, KEY_REFUSALS.rate, { 'retry-after': String(check.retryAfterSeconds ?? 1) });
    throw new Open311Error(403, KEY_REFUSALS[check.reason]);
  };

  const base = (request: FastifyRequest) => `${request.protocol}://${request.headers.host ?? 'localhost'}${OPEN311_PREFIX}`;

  app.options('/*', async (_request, reply) => reply.code(204).headers(CORS_HEADERS).send());

  app.get<{ Params: { file: string } }>('/:file', async (request, reply) => {
    const { name, format } = splitFormat(request.params.file);
    if (name === 'discovery') {
      const discovery = {
        changeset: '2026-12-28T00:00:00+08:00',
        contact: `${ctx.city.name} 12345 政务服务便民热线管理机构，电话 12345`,
        key_service: `向${ctx.city.name} 12345 热线管理机构申请 API 密钥（hotline apikey create）；查询无需密钥，提交诉求须带 api_key`,
        endpoints: [
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: base(request),
            changeset: '2026-12-28T00:00:00+08:00',
            type: 'production',
            formats: ['text/xml', 'application/json'],
          },
        ],
      };
      return send(reply, format, 200, discovery, () =>
        toXml('discovery', { ...discovery, endpoints: { endpoint: discovery.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) } }),
      );
    }
    if (name === 'services') {
      const list = (await services(ctx)).map((s) => ({
        service_code: s.code,
        service_name: s.name,
        description: s.description,
        metadata: true,
        // The ticket is numbered when the request arrives: POST answers its service_request_id.
        type: 'realtime',
        keywords: s.keywords,
        group: s.group,
      }));
      return sendList(reply, format, 200, 'services', 'service', list);
    }
    if (name === 'requests') return listRequests(request, reply, format);
    if (name === 'servicerequestupdates') return listUpdates(request, reply, format);
    throw new Open311Error(404, `资源「${request.params.file}」不存在`);
  });

  app.get<{ Params: { file: string } }>('/services/:file', async (request, reply) => {
    const { name, format } = splitFormat(request.params.file);
    const service = (await services(ctx)).find((s) => s.code === name);
    if (!service) throw new Open311Error(404, `service_code：服务「${name}」不存在`);
    const attributes = attributesOf(ctx);
    return send(reply, format, 200, { service_code: service.code, attributes }, () =>
      toXml('service_definition', {
        service_code: service.code,
        attributes: { attribute: attributes.map((a) => ({ ...a, values: { value: a.values } })) },
      }),
    );
  });

  async function listRequests(request: FastifyRequest, reply: FastifyReply, format: Format) {
    const q = (request.query ?? {}) as Query;
    const ids = limitList(listValues(q, 'service_request_id'), 'service_request_id');
    if (ids) {
      const rows = await requestRows(ctx, (x) => x.where('t.no', 'in', ids), 'created', MAX_PAGE, 0);
      return sendList(reply, format, 200, 'service_requests', 'request', rows);
    }
    const codes = limitList(listValues(q, 'service_code'), 'service_code');
    const statuses = [...new Set(listValues(q, 'status').map((s) => s.toLowerCase()))];
    for (const s of statuses) if (s !== 'open' && s !== 'closed') throw new Open311Error(400, `status：须为 open 或 closed，收到「${s}」`);
    let start = dateParam(oneValue(q, 'start_date'), 'start_date', 'from');
    let end = dateParam(oneValue(q, 'end_date'), 'end_date', 'to');
    const updatedAfter = dateParam(oneValue(q, 'updated_after'), 'updated_after', 'from');
    const updatedBefore = dateParam(oneValue(q, 'updated_before'), 'updated_before', 'to');
    const pageSize = intParam(oneValue(q, 'page_size'), 'page_size', 1, MAX_PAGE) ?? MAX_PAGE;
    const page = intParam(oneValue(q, 'page'), 'page', 1, 1_000_000) ?? 1;
    if (start && end && Date.parse(end) < Date.parse(start)) throw new Open311Error(400, 'end_date：不能早于 start_date');
    if (start && end && Date.parse(end) - Date.parse(start) > MAX_WINDOW_DAYS * DAY_MS) throw new Open311Error(400, `end_date：与 start_date 相隔不能超过 ${MAX_WINDOW_DAYS} 天`);
    // By default the last 90 days; a sync by updated_after reads every change since then instead.
    if (!updatedAfter) {
      if (start && !end) end = new Date(Date.parse(start) + MAX_WINDOW_DAYS * DAY_MS).toISOString();
      if (!start) start = new Date(Date.parse(end ?? ctx.clock.now()) - MAX_WINDOW_DAYS * DAY_MS).toISOString();
    }
    const rows = await requestRows(
      ctx,
      (x) => {
        if (codes) x = x.where('c.code', 'in', codes);
        // Both open and closed asked for is everything.
        if (statuses.length === 1) x = x.where('t.status', statuses[0] === 'closed' ? 'in' : 'not in', CLOSED_STATUSES);
        if (start) x = x.where('t.created_at', '>=', start);
        if (end) x = x.where('t.created_at', '<=', end);
        if (updatedAfter) x = x.where('t.updated_at', '>', updatedAfter);
        if (updatedBefore) x = x.where('t.updated_at', '<', updatedBefore);
        return x;
      },
      updatedAfter ? 'updated' : 'created',
      pageSize,
      (page - 1) * pageSize,
    );
    return sendList(reply, format, 200, 'service_requests', 'request', rows);
  }

  /**
   * FixMyStreet's servicerequestupdates: each change of a request's state (the audit events that
   * moved it) as one update, oldest first, for department systems to poll. The description is the
   * step and the new state in words; no free text, so nothing of the requester can leak. Every
   * update of the window is answered (no cap); page/page_size split it for clients that page.
   */
  async function listUpdates(request: FastifyRequest, reply: FastifyReply, format: Format) {
    const q = (request.query ?? {}) as Query;
    const start = dateParam(oneValue(q, 'updated_after') ?? oneValue(q, 'start_date'), oneValue(q, 'updated_after') ? 'updated_after' : 'start_date', 'from') ?? new Date(Date.parse(ctx.clock.now()) - DAY_MS).toISOString();
    const end = dateParam(oneValue(q, 'updated_before') ?? oneValue(q, 'end_date'), oneValue(q, 'updated_before') ? 'updated_before' : 'end_date', 'to') ?? ctx.clock.now();
    if (Date.parse(end) < Date.parse(start)) throw new Open311Error(400, 'end_date：不能早于 start_date');
    if (Date.parse(end) - Date.parse(start) > MAX_WINDOW_DAYS * DAY_MS) throw new Open311Error(400, `end_date：与 start_date 相隔不能超过 ${MAX_WINDOW_DAYS} 天`);
    const pageSize = intParam(oneValue(q, 'page_size'), 'page_size', 1, MAX_PAGE);
    const page = intParam(oneValue(q, 'page'), 'page', 1, 1_000_000);
    const ids = limitList(listValues(q, 'service_request_id'), 'service_request_id');
    let query = ctx.store.db
      .selectFrom('events as e')
      .innerJoin('tickets as t', 't.id', 'e.ticket_id')
      .select(['e.id', 'e.at', 'e.action', 'e.to_status', 't.no'])
      .where('e.at', '>=', start)
      .where('e.at', '<=', end)
      // Ticket states only: other records (差评 reviews, 督办) keep their own states in the log.
      .where('e.to_status', 'in', Object.keys(OPEN311_STATUS))
      // A client's own pushed comments are not state changes to send back.
      .where('e.action', '!=', 'open311_comment')
      // Internal notes and owners are the staff's, not the requester's.
      .where('e.action', 'not in', [...INTERNAL_ACTIONS])
      .where('t.confidential', '=', 0)
      .orderBy('e.at', 'asc')
      .orderBy('e.id', 'asc');
    if (ids) query = query.where('t.no', 'in', ids);
    if (pageSize !== undefined || page !== undefined) query = query.limit(pageSize ?? MAX_PAGE).offset(((page ?? 1) - 1) * (pageSize ?? MAX_PAGE));
    const rows = await query.execute();
    const updates = rows.map((r) => {
      const status = r.to_status as TicketStatus;
      return {
        update_id: String(r.id),
        service_request_id: r.no,
        status: OPEN311_STATUS[status] ?? 'open',
        updated_datetime: formatShanghai(r.at),
        description: `${eventActionLabel(r.action)}：${status === 'pending_dispatch' ? PENDING_NOTE : (STATUS_LABELS[status] ?? status)}`,
        media_url: null,
      };
    });
    return sendList(reply, format, 200, 'service_request_updates', 'request_update', updates);
  }

  app.get<{ Params: { file: string } }>('/requests/:file', async (request, reply) => {
    const { name, format } = splitFormat(request.params.file);
    const rows = await requestRows(ctx, (x) => x.where('t.no', '=', name), 'created', 1, 0);
    if (!rows.length) throw new Open311Error(404, `service_request_id：诉求「${name}」不存在`);
    return sendList(reply, format, 200, 'service_requests', 'request', rows);
  });

  app.get<{ Params: { file: string } }>('/tokens/:file', async (request, reply) => {
    const { name, format } = splitFormat(request.params.file);
    const t = name.startsWith(TOKEN_PREFIX)
      ? await ctx.store.db.selectFrom('tickets').select(['no', 'confidential']).where('origin', '=', 'local').where('external_id', '=', name).executeTakeFirst()
      : undefined;
    if (!t) throw new Open311Error(404, `token：「${name}」不存在`);
    // A confidential request's number is not published; its client keeps the number POST answered.
    const row = { service_request_id: t.confidential ? null : t.no, token: name };
    return sendList(reply, format, 200, 'service_requests', 'request', [row]);
  });

  app.post<{ Params: { file: string } }>('/:file', async (request, reply) => {
    const { name, format } = splitFormat(request.params.file);
    if (name === 'servicerequestupdates') return postUpdate(request, reply, format);
    if (name !== 'requests') throw new Open311Error(404, `资源「${request.params.file}」不存在`);
    const key = await authenticate(request, ['open311:write']);
    const { fields: f, attributes } = normaliseBody(request.body);
    const bad = (field: string, message: string) => new Open311Error(400, `${field}：${message}`);

    if (!f.service_code) throw bad('service_code', '须填写服务代码');
    const service = (await services(ctx)).find((s) => s.code === f.service_code);
    if (!service) throw bad('service_code', `服务「${f.service_code}」不存在`);

    const hasLat = f.lat !== undefined;
    const hasLong = f.long !== undefined;
    if (hasLat !== hasLong) throw bad(hasLat ? 'long' : 'lat', 'lat 与 long 须同时提供');
    let lat: number | null = null;
    let long: number | null = null;
    if (hasLat) {
      lat = Number(f.lat);
      long = Number(f.long);
      if (!Number.isFinite(lat) || lat < -90 || lat > 90) throw bad('lat', '须为 -90 至 90 之间的纬度（WGS84）');
      if (!Number.isFinite(long) || long < -180 || long > 180) throw bad('long', '须为 -180 至 180 之间的经度（WGS84）');
    }
    if (!hasLat && !f.address_string && !f.address_id) throw bad('lat/long、address_string 或 address_id', '须至少提供一种位置');
    if (f.address_string && [...f.address_string].length > 300) throw bad('address_string', '不能超过 300 个字符');
    if (f.address_id && f.address_id.length > 100) throw bad('address_id', '不能超过 100 个字符');
    if (!f.description) throw bad('description', '须填写诉求内容（第二条：诉求事实）');
    if ([...f.description].length > 4000) throw bad('description', '不能超过 4000 个字符');
    // phone is optional in the spec: a request with an e-mail or no contact waits for the agent to
    // add the phone before dispatch (第二条).
    if (f.phone && !new RegExp(PHONE_SCHEMA.pattern).test(f.phone)) throw bad('phone', '联系电话格式不正确');
    const requesterName = `${f.last_name ?? ''}${f.first_name ?? ''}`;
    if ([...requesterName].length > 100) throw bad('first_name/last_name', '姓名不能超过 100 个字符');
    if (f.email && (f.email.length > 200 || !/^[^\s@]+@[^\s@]+$/.test(f.email))) throw bad('email', '电子邮箱格式不正确');
    if (f.media_url && (f.media_url.length > 500 || !/^https?:\/\/\S+$/i.test(f.media_url))) throw bad('media_url', '须为 http(s) 地址，不超过 500 个字符');

    const single = (code: string): string | undefined => {
      const v = attributes[code];
      if (Array.isArray(v)) {
        if (v.length > 1) throw bad(`attribute[${code}]`, '只能选择一项');
        return v[0]?.trim() || undefined;
      }
      return v?.trim() || undefined;
    };
    const type = single('request_type');
    if (!type) throw bad('attribute[request_type]', `须选择诉求类型（${TICKET_TYPES.join('、')}）`);
    if (!TICKET_TYPES.includes(type as TicketType)) throw bad('attribute[request_type]', `诉求类型「${type}」不存在，可选：${TICKET_TYPES.join('、')}`);
    const district = single('district');
    if (district && ctx.org.byCodeOrUndefined(district)?.kind !== 'district') throw bad('attribute[district]', `县（市）区「${district}」不存在`);
    const confidential = single('confidential');
    if (confidential && confidential !== 'yes' && confidential !== 'no') throw bad('attribute[confidential]', '须为 yes 或 no');
    const header = request.headers['idempotency-key'];
    const clientId = (Array.isArray(header) ? header[0] : header)?.trim() || single('client_request_id') || single('fixmystreet_id') || f.client_request_id;
    if (clientId && clientId.length > 200) throw bad(header ? 'Idempotency-Key' : 'attribute[client_request_id]', '不能超过 200 个字符');

    const photos = filesOf(request.body).map((file, i) => {
      if (file.data.length > PHOTO_LIMITS.maxBytes) throw bad(file.field, `第 ${i + 1} 个文件超过 2MB`);
      const kind = sniffPhoto(file.data);
      if (!kind) throw bad(file.field, `第 ${i + 1} 个文件不是 JPG、PNG 或 WebP 图片`);
      return { buf: file.data, ...kind };
    });

    const phone = f.phone?.replace(/[\s-]/g, '');
    const { token, earlier } = requestTokens(
      key,
      clientId,
      [service.code, f.description, lat, long, f.address_string ?? null, f.address_id ?? null, phone ?? null, f.email?.toLowerCase() ?? null],
      Date.parse(ctx.clock.now()),
      config.repeatWindowMinutes * 60_000,
    );
    const answer = (no: string, repeat: boolean) => {
      if (repeat) reply.header('idempotent-replayed', 'true');
      const notice = phone ? '诉求已受理，热线工作人员将派往承办单位；可凭 service_request_id 查询进度' : '诉求已受理；未留电话，热线工作人员将通过邮箱联系或补充联系电话后派单（第二条）';
      // The same answer for the first POST and every retry, so a client that missed it gets it now.
      return sendList(reply, format, 201, 'service_requests', 'request', [{ service_request_id: no, token, service_notice: notice, account_id: null }]);
    };
    const made = async () =>
      ctx.store.db.selectFrom('tickets').select(['no']).where('origin', '=', 'local').where('external_id', 'in', [token, ...earlier]).orderBy('id').executeTakeFirst();
    const first = await made();
    if (first) return answer(first.no, true);

    try {
      const created = await createTicket(ctx, keyActor(key), {
        channel: OPEN311_CHANNEL,
        type: type as TicketType,
        categoryCode: service.code,
        requester: { kind: 'person', name: requesterName || undefined, phone, email: f.email, confidential: confidential === 'yes' },
        facts: f.description!,
        address: f.address_string,
        districtCode: district,
        externalId: token,
        contactLater: !phone,
        disposition: 'pending',
        location: { lat, long, addressId: f.address_id ?? null, mediaUrl: f.media_url ?? null },
        photos,
      });
      return answer(created.no, false);
    } catch (err) {
      // A retry racing the first POST: the store's unique (origin, external_id) lets one through.
      if (!isUniqueViolation(err)) throw err;
      const raced = await made();
      if (!raced) throw err;
      return answer(raced.no, true);
    }
  });

  /**
   * FixMyStreet's push of a citizen's comment on a request (POST servicerequestupdates): recorded
   * on the ticket as an event the centre sees in its timeline, the text kept apart; once per key and
   * update_id, so a re-sent push answers the first record. The ticket's state is not changed: a
   * citizen saying "fixed" is for the centre to weigh.
   */
  async function postUpdate(request: FastifyRequest, reply: FastifyReply, format: Format) {
    const key = await authenticate(request, ['open311:write']);
    const { fields: f } = normaliseBody(request.body);
    const bad = (field: string, message: string) => new Open311Error(400, `${field}：${message}`);
    if (!f.service_request_id) throw bad('service_request_id', '须填写诉求编号');
    if (!f.update_id) throw bad('update_id', '须填写客户端的更新编号');
    if (f.update_id.length > 100) throw bad('update_id', '不能超过 100 个字符');
    if (!f.description) throw bad('description', '须填写更新内容');
    if ([...f.description].length > 4000) throw bad('description', '不能超过 4000 个字符');
    const status = f.status?.toLowerCase();
    if (status && status !== 'open' && status !== 'closed') throw bad('status', '须为 open 或 closed');
    if (f.media_url && (f.media_url.length > 500 || !/^https?:\/\/\S+$/i.test(f.media_url))) throw bad('media_url', '须为 http(s) 地址，不超过 500 个字符');
    if (f.updated_datetime) dateParam(f.updated_datetime, 'updated_datetime', 'from');
    const ticket = await ticketNumbered(ctx.store.db, f.service_request_id).select(['id', 'status', 'confidential']).executeTakeFirst();
    if (!ticket || ticket.confidential) throw new Open311Error(404, `service_request_id：诉求「${f.service_request_id}」不存在`);
    const recorded = () => ctx.store.db.selectFrom('open311_updates').select(['id']).where('api_key_id', '=', key.id).where('client_update_id', '=', f.update_id!).executeTakeFirst();
    const answer = (id: number | string) => sendList(reply, format, 200, 'service_request_updates', 'request_update', [{ update_id: `c${id}` }]);
    const prior = await recorded();
    if (prior) return answer(prior.id);
    const now = ctx.clock.now();
    try {
      const id = await inTransaction(ctx.store.db, async (tx) => {
        const row = await tx
          .insertInto('open311_updates')
          .values({ ticket_id: Number(ticket.id), api_key_id: key.id, client_update_id: f.update_id!, description: f.description!, status: status ?? null, media_url: f.media_url ?? null, created_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        // The text stays in open311_updates; the event says that and what kind of update it was.
        await writeEvent(tx, keyActor(key), now, {
          ticketId: Number(ticket.id),
          action: 'open311_comment',
          fromStatus: ticket.status,
          toStatus: ticket.status,
          detail: { updateId: Number(row.id), clientStatus: status ?? null, chars: [...f.description!].length },
        });
        await tx.updateTable('tickets').set({ updated_at: now }).where('id', '=', Number(ticket.id)).execute();
        return Number(row.id);
      });
      return answer(id);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const raced = await recorded();
      if (!raced) throw err;
      return answer(raced.id);
    }
  }

  // Anything else under /open311/v2/ is Open311's 404, not the console's page.
  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/*', handler: async (request) => {
    throw new Open311Error(404, `资源「${request.url.split('?')[0]}」不存在`);
  } });
}
