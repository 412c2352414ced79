// Checks what a switch sends before anything is written: one event, or { events: [...] } up to
// MAX_BATCH. Hand-written rather than a JSON schema because one body has two shapes and each error
// must name the event and field in Chinese (events[3].seq) — and it is the hot path of ingestion.
import { CTI_EVENT_TYPES, EMERGENCY_NUMBERS, SEAT_STATES, type CtiEvent, type CtiEventType } from '../domain/call-contract.ts';
import type { CallsConfig } from '../domain/call-config.ts';
import { invalid } from '../server/problem.ts';

export const MAX_BATCH = 1000;

/** An accepted event: the instant normalised to UTC ISO (stored and compared as text on SQLite). */
export type CtiEventIn = CtiEvent & { at: string };

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const PHONE = /^\+?[0-9][0-9 -]{2,24}$/;
const AGENT = /^[A-Za-z0-9_.@-]{1,64}$/;
const TYPES = new Set<string>(CTI_EVENT_TYPES);
const STATES = new Set<string>(SEAT_STATES);

const LABELS: Record<string, string> = {
  callId: '通话编号',
  seq: '事件序号',
  type: '事件类型',
  at: '事件时间',
  caller: '主叫号码',
  trunk: '中继号码',
  queue: '队列',
  agent: '坐席',
  transfer: '转接信息',
  'transfer.mode': '转接方式',
  'transfer.target': '转接目标',
  state: '坐席状态',
  reason: '示忙原因',
  recordingUrl: '录音地址',
  transcript: '通话文本',
};

/** Milliseconds of an ISO 8601 instant with its offset, or null (Date.parse alone rolls 02-30 over into March). */
export function instantMs(text: string): number | null {
  if (!ISO_WITH_OFFSET.test(text)) return null;
  const ms = Date.parse(text);
  const [y, m, d] = [Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))];
  return Number.isNaN(ms) || d > new Date(Date.UTC(y, m, 0)).getUTCDate() ? null : ms;
}

export interface UnitLookup {
  byCodeOrUndefined(code: string): unknown;
}

/** The events of a body, or a 400 naming the first bad field (`events[i].field`). */
export function parseCtiBody(body: unknown, config: CallsConfig, units: UnitLookup): CtiEventIn[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('events', '请求体应为一个事件对象，或 { "events": [...] }');
  const b = body as Record<string, unknown>;
  if ('events' in b) {
    const list = b.events;
    if (!Array.isArray(list)) throw invalid('events', '字段「事件列表」应为数组');
    if (list.length === 0) throw invalid('events', '字段「事件列表」至少需要 1 项');
    if (list.length > MAX_BATCH) throw invalid('events', `字段「事件列表」最多 ${MAX_BATCH} 项`);
    return list.map((e, i) => parseCtiEvent(e, `events[${i}]`, config, units));
  }
  return [parseCtiEvent(b, '', config, units)];
}

export function parseCtiEvent(raw: unknown, path: string, config: CallsConfig, units: UnitLookup): CtiEventIn {
  const fieldOf = (name: string) => (path ? `${path}.${name}` : name);
  const where = path ? `第 ${Number(path.slice(7, -1)) + 1} 个事件的` : '';
  const fail = (name: string, what: string): never => {
    throw invalid(fieldOf(name), `${where}字段「${LABELS[name] ?? name}」${what}`);
  };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(path || 'events', `${where || '事件'}应为对象`);
  const e = raw as Record<string, unknown>;
  const str = (name: string, max: number, required: boolean, pattern?: RegExp): string | undefined => {
    const v = e[name];
    if (v === undefined || v === null || v === '') {
      if (required) fail(name, '必填');
      return undefined;
    }
    if (typeof v !== 'string') fail(name, '应为文本');
    const s = v as string;
    if (s.length > max) fail(name, `不能超过 ${max} 个字符`);
    if (pattern && !pattern.test(s)) fail(name, '格式不正确');
    return s;
  };

  const callId = str('callId', 64, true)!;
  const seq = e.seq;
  if (seq === undefined || seq === null) fail('seq', '必填');
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1 || seq > 2_147_483_647) fail('seq', '应为从 1 开始的整数');
  const type = str('type', 20, true)!;
  if (!TYPES.has(type)) fail('type', `取值无效，可选值：${CTI_EVENT_TYPES.join('、')}`);
  const atText = str('at', 40, true, ISO_WITH_OFFSET)!;
  const ms = instantMs(atText);
  if (ms === null) fail('at', '不是有效的时间');
  const event: CtiEventIn = { callId, seq: seq as number, type: type as CtiEventType, at: new Date(ms!).toISOString() };

  const caller = str('caller', 25, false, PHONE);
  if (caller) event.caller = caller.replace(/[\s-]/g, '');
  const trunk = str('trunk', 32, false);
  if (trunk) event.trunk = trunk;
  const queue = str('queue', 40, false);
  if (queue) {
    if (!config.queues.some((q) => q.code === queue)) fail('queue', `「${queue}」不是本市配置的队列，可选值：${config.queues.map((q) => q.code).join('、')}`);
    event.queue = queue;
  }
  const agent = str('agent', 64, type === 'agent_state', AGENT);
  if (agent) event.agent = agent;

  if (type === 'transferred') {
    const t = e.transfer as Record<string, unknown> | undefined;
    if (!t || typeof t !== 'object') fail('transfer', '必填（转接事件须说明方式与目标）');
    const mode = t!.mode;
    if (mode !== 'three_way' && mode !== 'blind') fail('transfer.mode', '取值无效，可选值：three_way、blind');
    const target = t!.target as Record<string, unknown> | undefined;
    if (!target || typeof target !== 'object') fail('transfer.target', '必填');
    if (target!.kind === 'unit') {
      if (typeof target!.unitCode !== 'string' || !units.byCodeOrUndefined(target!.unitCode)) fail('transfer.target', `承办单位「${String(target!.unitCode ?? '')}」不存在`);
      event.transfer = { mode: mode as 'blind', target: { kind: 'unit', unitCode: target!.unitCode as string } };
    } else if (target!.kind === 'emergency') {
      if (!EMERGENCY_NUMBERS.includes(target!.number as never)) fail('transfer.target', `紧急热线应为 ${EMERGENCY_NUMBERS.join('、')} 之一`);
      event.transfer = { mode: mode as 'blind', target: { kind: 'emergency', number: target!.number as (typeof EMERGENCY_NUMBERS)[number] } };
    } else if (target!.kind === 'queue') {
      if (!config.queues.some((q) => q.code === target!.queue)) fail('transfer.target', `队列「${String(target!.queue ?? '')}」不是本市配置的队列`);
      event.transfer = { mode: mode as 'blind', target: { kind: 'queue', queue: target!.queue as string } };
    } else {
      fail('transfer.target', '的类型应为 unit、emergency 或 queue');
    }
  }
  if (type === 'agent_state') {
    const state = str('state', 20, true)!;
    if (!STATES.has(state)) fail('state', `取值无效，可选值：${SEAT_STATES.join('、')}`);
    event.state = state as CtiEventIn['state'];
    const reason = str('reason', 32, false);
    if (reason) event.reason = reason;
  }
  if (type === 'recording') event.recordingUrl = str('recordingUrl', 1000, true, /^https?:\/\/\S+$/);
  if (type === 'transcript') event.transcript = str('transcript', 200_000, true);
  return event;
}
