// One synthetic ticket's whole life, as the rows the use-cases would have written: intake, dispatch,
// signing, co-handling, returns, extensions, the reply, review, callback (with rework when the
// requester was rightly unsatisfied) and archiving. The story is written out to its end and then cut
// at "now": whatever happens later is left out, so the tickets of the last weeks are still in flight
// in every state, with open duties and their lights, as on a live system.
import type { Random } from '../domain/random.ts';
import type { Deadline } from '../domain/deadline.ts';
import type { TimeLimit } from '../domain/time-limits.ts';
import { FINISHED_STATUSES, type TicketStatus } from '../domain/ticket-states.ts';
import { satisfactionExemption } from '../domain/evaluation.ts';

export interface StoryUnit {
  id: number;
  code: string;
  name: string;
}

export interface StoryCategory {
  id: number;
  code: string;
  name: string;
  defaultUnitId: number | null;
  replyLimit: TimeLimit | null;
  /** 第二十五条: mediation | enforcement | null (categories.case_class). */
  caseClass: string | null;
}

/** What the stories draw from: the city's units, categories and limits, and the users who act. */
export interface StoryWorld {
  cityCode: string;
  districts: StoryUnit[];
  handlingUnits: StoryUnit[];
  categories: StoryCategory[];
  limits: Record<string, TimeLimit>;
  agentUserId: number;
  centreUserId: number;
  centreUnitId: number;
  /** A (unusable) staff login per handling unit, for the rows that name who acted. */
  unitUserIds: Map<number, number>;
  deadline(startIso: string, limit: TimeLimit): Deadline;
}

export interface TicketRow {
  id: number;
  no: string;
  channel: string;
  origin: string;
  external_id: string | null;
  type: string;
  category_id: number | null;
  requester_kind: string;
  requester_name: string | null;
  requester_phone: string | null;
  confidential: number;
  facts: string;
  address: string | null;
  district_unit_id: number | null;
  special: string;
  status: string;
  lead_unit_id: number | null;
  round: number;
  next_due_at: string | null;
  provisional: number;
  satisfaction: string | null;
  resolution: string | null;
  resolution_note: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface DutyRow {
  id: number;
  ticket_id: number;
  unit_id: number;
  party: string;
  kind: string;
  round: number;
  limit_key: string;
  limit_unit: string;
  limit_amount: number;
  started_at: string;
  due_at: string;
  yellow_at: string;
  provisional: number;
  status: string;
  completed_at: string | null;
  late: number;
  extensions: number;
}

export interface EventRow {
  ticket_id: number;
  at: string;
  user_id: number | null;
  role: string;
  unit_id: number | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  detail: string | null;
}

export interface CallbackRow {
  ticket_id: number;
  round: number;
  reached: number;
  satisfaction: string | null;
  reasonable: number | null;
  unit_id: number;
  /** 第二十五条's class when the rating is exempt from 满意率 (src/domain/evaluation.ts satisfactionExemption). */
  exempt_class: string | null;
  created_by: number;
  created_at: string;
}

export interface UnitRequestRow {
  ticket_id: number;
  duty_id: number;
  unit_id: number;
  kind: string;
  reason: string;
  amount: number | null;
  /** A 退单 after the 2-working-day window (第十五条: 超期退回的视为超期办理件). */
  late: number;
  status: string;
  requested_by: number;
  requested_at: string;
  decided_by: number | null;
  decided_at: string | null;
  improper: number;
}

export interface SubmissionRow {
  ticket_id: number;
  unit_id: number;
  kind: string;
  round: number;
  content: string;
  approval: string;
  /** The centre's 反馈审核 of a reply (pending until the review is in the story's past). */
  review: string;
  created_by: number;
  created_at: string;
}

export interface TicketRows {
  ticket: TicketRow;
  duties: DutyRow[];
  events: EventRow[];
  callbacks: CallbackRow[];
  requests: UnitRequestRow[];
  submissions: SubmissionRow[];
}

const HOUR = 3_600_000;

interface WeightTable<K extends string> {
  keys: K[];
  weights: number[];
  total: number;
}

function weightTable<K extends string>(weights: Record<K, number>): WeightTable<K> {
  const entries = Object.entries(weights) as Array<[K, number]>;
  return { keys: entries.map(([k]) => k), weights: entries.map(([, w]) => w), total: entries.reduce((s, [, w]) => s + w, 0) };
}

/** Random.weighted over a table summed once: the same single draw, so the same key. */
function weighted<K extends string>(rng: Random, t: WeightTable<K>): K {
  let r = rng.next() * t.total;
  for (let i = 0; i < t.keys.length; i++) if ((r -= t.weights[i]) < 0) return t.keys[i];
  return t.keys[t.keys.length - 1];
}

const CHANNEL_WEIGHTS = weightTable({ phone: 70, wechat: 10, app: 8, web: 6, sms: 3, provincial: 2, national: 1 });
const TYPE_WEIGHTS = weightTable({ consultation: 40, help: 15, complaint: 28, report: 5, suggestion: 10, praise: 2 });
const SATISFACTION_WEIGHTS = weightTable({ very_satisfied: 38, satisfied: 38, basically_satisfied: 12, unsatisfied: 8, very_unsatisfied: 4 });
const REQUESTER_KIND_WEIGHTS = weightTable({ person: 90, company: 8, organisation: 2 });
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];
const PLACES = ['小区', '街道', '路口', '市场', '学校附近', '公交站', '广场', '医院门口'];
const PHRASES = ['反映问题长期未解决', '希望相关部门尽快处理', '咨询办理流程和所需材料', '请求协调解决', '多次反映无果', '影响正常生活'];
const iso = (ms: number) => new Date(ms).toISOString();

interface PlannedDuty extends Omit<DutyRow, 'status' | 'completed_at' | 'late' | 'extensions' | 'due_at'> {
  dueAt: string;
  /** When it ended (done or cancelled), and how. */
  endedAt: number | null;
  endedAs: 'done' | 'cancelled';
  /** An approved extension: its decision instant and the new deadline. */
  extendedAt?: number;
  extendedDue?: string;
}

/**
 * The rows of ticket `id`, created at `createdMs` with its day's number `no`, as they stand at `nowMs`.
 * `nextDutyId` hands out duty ids (so extensions can name their duty).
 */
export function ticketStory(rng: Random, world: StoryWorld, id: number, no: string, createdMs: number, nowMs: number, nextDutyId: () => number): TicketRows {
  const channel = weighted(rng, CHANNEL_WEIGHTS);
  const origin = channel === 'provincial' || channel === 'national' ? channel : 'local';
  const type = weighted(rng, TYPE_WEIGHTS);
  const category = rng.pick(world.categories);
  const district = rng.pick(world.districts);
  const place = rng.pick(PLACES);
  const requesterKind = weighted(rng, REQUESTER_KIND_WEIGHTS);
  const special = rng.chance(0.006) ? 'special' : rng.chance(0.001) ? 'special_emergency' : 'none';
  const ticket: TicketRow = {
    id,
    no,
    channel,
    origin,
    external_id: origin === 'local' ? null : `${origin === 'provincial' ? 'HLJ' : 'GJ'}${no.slice(world.cityCode.length)}`,
    type,
    category_id: category.id,
    requester_kind: requesterKind,
    requester_name: `${rng.pick(SURNAMES)}${rng.chance(0.5) ? '先生' : '女士'}`,
    // One caller in twenty calls again (a small pool of numbers), so requester histories are not empty.
    requester_phone: rng.chance(0.05) ? `1390000${String(rng.int(0, 9999)).padStart(4, '0')}` : `1${rng.int(30, 89)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
    confidential: rng.chance(0.03) ? 1 : 0,
    facts: `${district.name}某${place}：${category.name}，${rng.pick(PHRASES)}`,
    address: `${district.name}${place}${rng.int(1, 300)}号`,
    district_unit_id: district.id,
    special,
    status: 'pending_dispatch',
    lead_unit_id: null,
    round: 0,
    next_due_at: null,
    provisional: 0,
    satisfaction: null,
    resolution: null,
    resolution_note: null,
    created_by: world.agentUserId,
    created_at: iso(createdMs),
    updated_at: iso(createdMs),
    closed_at: null,
  };
  const events: Array<EventRow & { ms: number }> = [];
  const duties: PlannedDuty[] = [];
  const callbacks: Array<CallbackRow & { ms: number }> = [];
  const requests: Array<UnitRequestRow & { ms: number; decidedMs: number | null; decidedAs: string }> = [];
  const submissions: Array<SubmissionRow & { ms: number }> = [];
  let status = 'pending_dispatch';
  const event = (ms: number, action: string, to: string | null, actor: { user: number | null; role: string; unit: number | null }, detail: Record<string, unknown> | null = null) => {
    events.push({ ms, ticket_id: id, at: iso(ms), user_id: actor.user, role: actor.role, unit_id: actor.unit, action, from_status: action === 'intake' ? null : status, to_status: to ?? status, detail: detail ? JSON.stringify(detail) : null });
    if (to) status = to;
  };
  const agent = { user: world.agentUserId, role: 'agent', unit: world.centreUnitId };
  const centre = { user: world.centreUserId, role: 'centre', unit: world.centreUnitId };
  const staff = (unitId: number) => ({ user: world.unitUserIds.get(unitId) ?? null, role: 'unit_staff', unit: unitId });
  const openDuty = (unitId: number, party: string, kind: string, round: number, limitKey: string, limit: TimeLimit, startMs: number): PlannedDuty => {
    const d = world.deadline(iso(startMs), limit);
    const duty: PlannedDuty = { id: nextDutyId(), ticket_id: id, unit_id: unitId, party, kind, round, limit_key: limitKey, limit_unit: limit.unit, limit_amount: limit.amount, started_at: iso(startMs), dueAt: d.dueAt, yellow_at: d.yellowAt, provisional: d.provisional ? 1 : 0, endedAt: null, endedAs: 'done' };
    duties.push(duty);
    return duty;
  };
  /** When a duty is met: mostly within its limit, `lateShare` of the time hours to days after it. */
  const meet = (duty: PlannedDuty, fromMs: number, lateShare: number) => {
    const due = Date.parse(duty.extendedDue ?? duty.dueAt);
    const at = rng.chance(lateShare) ? due + rng.between(1, 96) * HOUR : fromMs + rng.between(0.03, 0.9) * Math.max(HOUR, due - fromMs);
    return Math.max(at, fromMs + 60_000);
  };

  // 受理: a third of the consultations are answered on the line, a few requests refused or transferred.
  const intakeMs = createdMs;
  const disposition = type === 'consultation' && rng.chance(0.6) ? 'direct_answer' : rng.chance(0.015) ? 'reject' : rng.chance(0.005) ? 'emergency_transfer' : 'dispatch';
  if (disposition !== 'dispatch') {
    const to = { direct_answer: 'answered', reject: 'rejected', emergency_transfer: 'transferred' }[disposition];
    ticket.resolution = { direct_answer: 'direct_answer', reject: 'rejected', emergency_transfer: 'emergency_transfer' }[disposition];
    ticket.resolution_note = disposition === 'reject' ? '11.3' : disposition === 'emergency_transfer' ? '110' : null;
    ticket.closed_at = ticket.created_at;
    event(intakeMs, 'intake', to, agent, { channel, type, category: category.code, disposition });
    if (disposition === 'direct_answer') submissions.push({ ms: intakeMs, ticket_id: id, unit_id: world.centreUnitId, kind: 'direct_answer', round: 0, content: `已依据知识库答复：${category.name}的办理渠道和材料`, approval: 'none', review: 'accepted', created_by: world.agentUserId, created_at: ticket.created_at });
    return finish(ticket, nowMs, events, duties, callbacks, requests, submissions);
  }
  event(intakeMs, 'intake', 'pending_dispatch', agent, { channel, type, category: category.code, disposition });

  // 派单: the category's unit, else the district; one in eight co-handled by another unit.
  const replyKey = category.replyLimit ? `category:${category.code}` : `reply.${type}`;
  const replyLimit = category.replyLimit ?? world.limits[`reply.${type}`];
  const leadOf = () => (category.defaultUnitId && rng.chance(0.85) ? category.defaultUnitId : district.id);
  let lead = leadOf();
  let t = intakeMs + rng.between(0.05, 2) * HOUR;
  let round = 1;
  const co = rng.chance(0.12) ? rng.pick(world.handlingUnits.filter((u) => u.id !== lead)) : undefined;
  const dispatchRound = (startMs: number, unitId: number, coUnit: StoryUnit | undefined) => {
    const sign = openDuty(unitId, 'lead', 'sign', round, 'sign', world.limits.sign, startMs);
    const reply = openDuty(unitId, 'lead', 'reply', round, replyKey, replyLimit, startMs);
    const coDuties = coUnit ? [openDuty(coUnit.id, 'co', 'sign', round, 'sign', world.limits.sign, startMs), openDuty(coUnit.id, 'co', 'opinion', round, replyKey, replyLimit, startMs)] : [];
    const specialDuties = special !== 'none' ? [openDuty(unitId, 'lead', 'first_response', round, `${special}.first_response`, world.limits[`${special}.first_response`], startMs), openDuty(unitId, 'lead', 'progress', round, `${special}.progress`, world.limits[`${special}.progress`], startMs)] : [];
    return { sign, reply, coDuties, specialDuties };
  };
  event(t, 'dispatch', 'dispatched', centre, { lead: unitCode(world, lead), co: co ? [co.code] : [] });
  let open = dispatchRound(t, lead, co);

  // 退单: 3% returned by the lead unit; the centre agrees (another unit gets it) or refuses (a third improper).
  if (rng.chance(0.03)) {
    // A quarter of the returns come after the 2-working-day window (第十五条: 超期退回).
    const windowMs = Date.parse(world.deadline(iso(t), world.limits.return).dueAt);
    const returnedMs = rng.chance(0.25) ? windowMs + rng.between(1, 48) * HOUR : meet(open.sign, t, 0.05);
    const returnLate = returnedMs > windowMs;
    open.sign.endedAt = returnedMs;
    event(returnedMs, 'return', 'returned', staff(lead), { late: returnLate, suggested: null });
    const decidedMs = returnedMs + rng.between(1, 20) * HOUR;
    const approved = rng.chance(0.6);
    requests.push({ ms: returnedMs, ticket_id: id, duty_id: open.sign.id, unit_id: lead, kind: 'return', reason: '不属于本单位职责范围', amount: null, late: returnLate ? 1 : 0, status: 'pending', requested_by: staff(lead).user ?? world.centreUserId, requested_at: iso(returnedMs), decided_by: world.centreUserId, decided_at: null, improper: !approved && rng.chance(0.5) ? 1 : 0, decidedMs, decidedAs: approved ? 'approved' : 'refused' });
    if (approved) {
      for (const d of [open.reply, ...open.coDuties, ...open.specialDuties]) Object.assign(d, { endedAt: decidedMs, endedAs: 'cancelled' as const });
      const previous = lead;
      lead = rng.pick(world.handlingUnits.filter((u) => u.id !== previous)).id;
      round += 1;
      event(decidedMs, 'decide_return', 'dispatched', centre, { approve: true, lead: unitCode(world, lead) });
      open = dispatchRound(decidedMs, lead, undefined);
      t = decidedMs;
    } else {
      event(decidedMs, 'decide_return', 'dispatched', centre, { approve: false });
      // The unit still has to sign: a fresh sign duty from the refusal.
      open.sign = openDuty(lead, 'lead', 'sign', round, 'sign', world.limits.sign, decidedMs);
      t = decidedMs;
    }
  }

  // 签收, the special duties' first response and progress, the co-handler's opinion.
  const signedMs = meet(open.sign, t, 0.08);
  open.sign.endedAt = signedMs;
  event(signedMs, 'sign', 'in_progress', staff(lead), { signLate: signedMs > Date.parse(open.sign.dueAt) });
  for (const d of open.specialDuties) {
    d.endedAt = meet(d, signedMs, 0.1);
    event(d.endedAt, d.kind, null, staff(lead), null);
  }
  let coDoneMs = signedMs;
  // A co-handler in four never gives its opinion: the lead's final answer cancels it (and the lead,
  // waiting for it, answers late more often), so some lapse before and some after their deadline.
  const missingOpinion = open.coDuties.length > 0 && rng.chance(0.25) ? open.coDuties[1] : undefined;
  if (open.coDuties.length) {
    const [coSign, opinion] = open.coDuties;
    coSign.endedAt = meet(coSign, t, 0.08);
    event(coSign.endedAt, 'sign', null, staff(coSign.unit_id), { party: 'co' });
  }
  if (open.coDuties.length && !missingOpinion) {
    const [coSign, opinion] = open.coDuties;
    opinion.endedAt = meet(opinion, coSign.endedAt!, 0.06);
    coDoneMs = opinion.endedAt;
    event(opinion.endedAt, 'opinion', null, staff(opinion.unit_id), { party: 'co' });
    submissions.push({ ms: opinion.endedAt, ticket_id: id, unit_id: opinion.unit_id, kind: 'opinion', round, content: '协办意见：已配合核实相关情况', approval: 'none', review: 'pending', created_by: staff(opinion.unit_id).user ?? world.centreUserId, created_at: iso(opinion.endedAt) });
  }

  let extensionDecidedMs = 0;
  // 延期: for the longer limits, 4% ask; the centre approves most, five more working days.
  if (replyLimit.unit === 'working_days' && replyLimit.amount >= 5 && rng.chance(0.04)) {
    const askedMs = signedMs + rng.between(0.3, 0.8) * Math.max(HOUR, Date.parse(open.reply.dueAt) - signedMs);
    const decidedMs = askedMs + rng.between(1, 24) * HOUR;
    const approved = rng.chance(0.85);
    event(askedMs, 'request_extension', null, staff(lead), { amount: 5 });
    requests.push({ ms: askedMs, ticket_id: id, duty_id: open.reply.id, unit_id: lead, kind: 'extension', reason: '需现场勘查并协调多个部门', amount: 5, late: 0, status: 'pending', requested_by: staff(lead).user ?? world.centreUserId, requested_at: iso(askedMs), decided_by: world.centreUserId, decided_at: null, improper: 0, decidedMs, decidedAs: approved ? 'approved' : 'refused' });
    event(decidedMs, 'decide_extension', null, centre, { approve: approved });
    extensionDecidedMs = decidedMs;
    if (approved) {
      open.reply.extendedAt = decidedMs;
      open.reply.extendedDue = world.deadline(open.reply.dueAt, { unit: 'working_days', amount: 5 }).dueAt;
    }
  }

  // 办理反馈 → (负责人审定 for provincial/national) → 审核 → 回访; a rightly unsatisfied requester sends it back.
  let replyDuty = open.reply;
  let fromMs = Math.max(signedMs, coDoneMs, extensionDecidedMs);
  for (let attempt = 0; attempt < 3; attempt++) {
    const repliedMs = meet(replyDuty, Math.max(fromMs, Date.parse(replyDuty.started_at)), attempt === 0 && missingOpinion ? 0.5 : 0.1);
    replyDuty.endedAt = repliedMs;
    const late = repliedMs > Date.parse(replyDuty.extendedDue ?? replyDuty.dueAt);
    const answer = { ms: repliedMs, ticket_id: id, unit_id: lead, kind: 'reply', round, content: `经核实，${category.name}问题已安排处理，已与诉求人沟通`, approval: origin === 'local' ? 'none' : 'approved', review: 'pending', created_by: staff(lead).user ?? world.centreUserId, created_at: iso(repliedMs) };
    submissions.push(answer);
    let answeredMs = repliedMs;
    if (origin !== 'local') {
      event(repliedMs, 'reply', 'awaiting_approval', staff(lead), { needsApproval: true });
      answeredMs = repliedMs + rng.between(0.5, 12) * HOUR;
      event(answeredMs, 'approve_reply', 'replied', { user: staff(lead).user, role: 'unit_head', unit: lead }, { approve: true, late });
    } else {
      event(repliedMs, 'reply', 'replied', staff(lead), { late, missingOpinions: 0, reasonCode: null });
    }
    if (attempt === 0 && missingOpinion) Object.assign(missingOpinion, { endedAt: answeredMs, endedAs: 'cancelled' as const });
    const reviewedMs = answeredMs + rng.between(0.5, 30) * HOUR;
    event(reviewedMs, 'review', 'callback', centre, { pass: true });
    if (reviewedMs <= nowMs) answer.review = 'accepted';
    let calledMs = reviewedMs + rng.between(1, 72) * HOUR;
    if (rng.chance(0.08)) {
      callbacks.push({ ms: calledMs, ticket_id: id, round, reached: 0, satisfaction: null, reasonable: null, unit_id: lead, exempt_class: null, created_by: world.centreUserId, created_at: iso(calledMs) });
      event(calledMs, 'callback', null, centre, { reached: false });
      calledMs += rng.between(4, 48) * HOUR;
    }
    const satisfaction = weighted(rng, SATISFACTION_WEIGHTS);
    const unsatisfied = satisfaction === 'unsatisfied' || satisfaction === 'very_unsatisfied';
    const reasonable = unsatisfied ? rng.chance(0.35) : null;
    callbacks.push({ ms: calledMs, ticket_id: id, round, reached: 1, satisfaction, reasonable: reasonable === null ? null : reasonable ? 1 : 0, unit_id: lead, exempt_class: satisfactionExemption(type, category.caseClass), created_by: world.centreUserId, created_at: iso(calledMs) });
    if (reasonable && attempt < 2) {
      event(calledMs, 'callback', 'in_progress', centre, { satisfaction, reasonable: true });
      round += 1;
      replyDuty = openDuty(lead, 'lead', 'reply', round, replyKey, replyLimit, calledMs);
      fromMs = calledMs;
      continue;
    }
    event(calledMs, 'callback', 'closed', centre, { satisfaction, reasonable });
    // 归档 a month after closing.
    event(calledMs + (30 * 24 + rng.between(0, 48)) * HOUR, 'archive', 'archived', centre, null);
    break;
  }
  return finish(ticket, nowMs, events, duties, callbacks, requests, submissions);
}

function unitCode(world: StoryWorld, id: number): string {
  return world.handlingUnits.find((u) => u.id === id)?.code ?? world.districts.find((u) => u.id === id)?.code ?? String(id);
}

/** Cuts the story at now: later rows are left out, later completions leave their duty open. */
function finish(
  ticket: TicketRow,
  nowMs: number,
  events: Array<EventRow & { ms: number }>,
  planned: PlannedDuty[],
  callbacks: Array<CallbackRow & { ms: number }>,
  requests: Array<UnitRequestRow & { ms: number; decidedMs: number | null; decidedAs: string }>,
  submissions: Array<SubmissionRow & { ms: number }>,
): TicketRows {
  const keptEvents = events.filter((e) => e.ms <= nowMs).sort((a, b) => a.ms - b.ms);
  const last = keptEvents[keptEvents.length - 1];
  // The rows are completed in place, not copied: the planning fields left on them are not columns,
  // and the writers take only the columns (./generate.ts).
  const duties: DutyRow[] = planned
    .filter((d) => Date.parse(d.started_at) <= nowMs)
    .map((d) => {
      const extended = d.extendedAt !== undefined && d.extendedAt <= nowMs;
      const due = extended ? d.extendedDue! : d.dueAt;
      const ended = d.endedAt !== null && d.endedAt <= nowMs;
      const row = d as PlannedDuty & DutyRow;
      row.due_at = due;
      row.status = ended ? d.endedAs : 'open';
      row.completed_at = ended ? new Date(d.endedAt!).toISOString() : null;
      row.late = ended && d.endedAs === 'done' && d.endedAt! > Date.parse(due) ? 1 : 0;
      row.extensions = extended ? 1 : 0;
      return row;
    });
  const openDues = duties.filter((d) => d.status === 'open').map((d) => d.due_at).sort();
  const status = keptEvents.reduce((s, e) => e.to_status ?? s, 'pending_dispatch');
  const keptCallbacks = callbacks.filter((c) => c.ms <= nowMs);
  const lastReached = keptCallbacks.filter((c) => c.reached).pop();
  const closing = keptEvents.filter((e) => e.to_status === 'closed' || e.to_status === 'answered' || e.to_status === 'rejected' || e.to_status === 'transferred').pop();
  const finished = FINISHED_STATUSES.includes(status as TicketStatus);
  return {
    ticket: {
      ...ticket,
      status,
      lead_unit_id: duties.filter((d) => d.party === 'lead').pop()?.unit_id ?? null,
      round: duties.reduce((r, d) => Math.max(r, d.round), 0),
      next_due_at: openDues[0] ?? null,
      provisional: duties.some((d) => d.status === 'open' && d.provisional) ? 1 : 0,
      satisfaction: lastReached?.satisfaction ?? null,
      resolution: ticket.resolution ?? (keptEvents.some((e) => e.action === 'reply') ? 'replied' : null),
      updated_at: last.at,
      closed_at: finished ? (closing?.at ?? ticket.closed_at) : null,
    },
    duties,
    events: keptEvents,
    callbacks: keptCallbacks,
    requests: requests
      .filter((r) => r.ms <= nowMs)
      .map((r) => {
        const decided = r.decidedMs !== null && r.decidedMs <= nowMs;
        r.status = decided ? r.decidedAs : 'pending';
        r.decided_at = decided ? new Date(r.decidedMs!).toISOString() : null;
        r.decided_by = decided ? r.decided_by : null;
        r.improper = decided ? r.improper : 0;
        return r;
      }),
    submissions: submissions.filter((s) => s.ms <= nowMs),
  };
}
