// How a ticket is shown to a viewer: instants in +08:00, lights derived from deadlines now, and the
// requester's data masked for every role that does not need it (confidential: hidden from units),
// in its own fields and inside every free text shown (docs/security-personal-data.md).
import type { Actor } from '../domain/actor.ts';
import type { AppContext } from '../server/context.ts';
import { formatShanghai, lightAt, type Light } from '../domain/deadline.ts';
import { maskIdNumber, maskName, maskPhone, textMaskerFor } from '../domain/masking.ts';
import { isUnitRole, seesRequesterContact } from '../domain/roles.ts';
import { STATUS_LABELS, type TicketStatus } from '../domain/ticket-states.ts';
import { TICKET_TYPE_LABELS, type SpecialLevel, type TicketType } from '../domain/ticket-types.ts';
import { describeLimit, type LimitUnit } from '../domain/time-limits.ts';
import type { DutyRow, TicketRow } from './model.ts';
import { at, unitRef } from '../server/view-refs.ts';
import type { Duty, RequesterView, TicketSummary } from './contract.ts';

export { at, unitRef };

export function requesterView(t: Pick<TicketRow, 'requester_kind' | 'requester_name' | 'requester_phone' | 'requester_id_no' | 'confidential'> & { requester_email?: string | null }, actor: Actor): RequesterView {
  const confidential = !!t.confidential;
  if (seesRequesterContact(actor.role)) {
    // email: only Open311 requests carry one; the agent uses it to reach a requester who left no phone.
    return { kind: t.requester_kind, name: t.requester_name, phone: t.requester_phone, idNumber: t.requester_id_no, ...(t.requester_email ? { email: t.requester_email } : {}), confidential, masked: false };
  }
  if (confidential && isUnitRole(actor.role)) {
    return { kind: t.requester_kind, name: '（保密）', phone: null, idNumber: null, confidential, masked: true };
  }
  const name = t.requester_kind === 'person' ? maskName(t.requester_name) : t.requester_name;
  return { kind: t.requester_kind, name, phone: maskPhone(t.requester_phone), idNumber: maskIdNumber(t.requester_id_no), confidential, masked: true };
}

type RequesterFields = Pick<TicketRow, 'requester_kind' | 'requester_name' | 'requester_phone' | 'requester_id_no' | 'confidential'>;

/**
 * How this viewer reads the ticket's free text (facts, replies, callback words, reasons, event
 * details): in full for the roles that work with the requester, else with phone and ID numbers
 * masked and the requester's name reduced (hidden for a confidential requester).
 */
export function freeTextFor(t: RequesterFields, actor: Actor): (text: string | null) => string | null {
  return textMaskerFor(seesRequesterContact(actor.role), {
    kind: t.requester_kind,
    name: t.requester_name,
    phone: t.requester_phone,
    idNumber: t.requester_id_no,
    confidential: !!t.confidential,
  });
}

/** Every string inside an event's detail, read through the viewer's masker. */
export function maskDetail(detail: unknown, mask: (text: string | null) => string | null): unknown {
  if (typeof detail === 'string') return mask(detail);
  if (Array.isArray(detail)) return detail.map((d) => maskDetail(d, mask));
  if (detail && typeof detail === 'object') return Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, maskDetail(v, mask)]));
  return detail;
}

const LIGHT_ORDER: Record<Light, number> = { green: 0, yellow: 1, red: 2 };

/** The worst light among open duties, or null when nothing is owed. */
export function worstLight(duties: Array<Pick<DutyRow, 'due_at' | 'yellow_at' | 'status'>>, nowIso: string): Light | null {
  let worst: Light | null = null;
  for (const d of duties) {
    if (d.status !== 'open') continue;
    const light = lightAt({ dueAt: d.due_at, yellowAt: d.yellow_at }, nowIso);
    if (!worst || LIGHT_ORDER[light] > LIGHT_ORDER[worst]) worst = light;
  }
  return worst;
}


export function dutyView(ctx: AppContext, d: DutyRow, nowIso: string): Duty {
  return {
    id: d.id,
    unit: unitRef(ctx, d.unit_id),
    handlerUnit: unitRef(ctx, d.handler_unit_id),
    party: d.party as Duty['party'],
    kind: d.kind,
    round: d.round,
    limit: describeLimit({ unit: d.limit_unit as LimitUnit, amount: d.limit_amount }),
    limitKey: d.limit_key,
    startedAt: formatShanghai(d.started_at),
    dueAt: formatShanghai(d.due_at),
    status: d.status as Duty['status'],
    completedAt: at(d.completed_at),
    late: !!d.late,
    light: d.status === 'open' ? lightAt({ dueAt: d.due_at, yellowAt: d.yellow_at }, nowIso) : null,
    provisional: !!d.provisional,
    extensions: d.extensions,
  };
}

export function ticketSummary(ctx: AppContext, t: TicketRow, actor: Actor, light: Light | null, categoryName: string | null): TicketSummary {
  // Masked before it is cut, so that no number is cut in two and half of it left plain.
  const facts = freeTextFor(t, actor)(t.facts)!;
  return {
    no: t.no,
    status: t.status,
    statusLabel: STATUS_LABELS[t.status as TicketStatus],
    channel: t.channel,
    type: t.type,
    typeLabel: TICKET_TYPE_LABELS[t.type as TicketType],
    category: categoryName,
    facts: facts.length > 120 ? `${facts.slice(0, 120)}…` : facts,
    requesterName: requesterView(t, actor).name,
    leadUnit: unitRef(ctx, t.lead_unit_id),
    special: t.special as SpecialLevel,
    supervised: !!t.supervised,
    createdAt: formatShanghai(t.created_at),
    nextDueAt: at(t.next_due_at),
    light,
    provisional: !!t.provisional,
  };
}

/** What a timeline shows as an event's actor: a person by name and role, or what acted without a user. */
export interface EventActorView {
  name: string;
  /** The user's role; null for what is not a user (the system, a requester, an external platform). */
  role: string | null;
  kind: 'user' | 'system' | 'requester' | 'external';
}

/**
 * Names the actor of an event. Users are named as they are; events written without a user row (user
 * 0) are told apart by what the platform knows: the timers' own actor (role admin), the requester on
 * the portal (a web ticket of no external system; its 好差评), an Open311 client (a web ticket
 * carrying the client's token, its comments) and the provincial or national platform (their
 * transferred tickets). None of them is a 话务员, whatever role the audit row carries.
 */
export function eventActorView(
  e: { user_id: number | null; role: string | null; display_name: string | null; action: string; detail: Record<string, unknown> | null },
  t: { origin: string; channel: string; external_id: string | null },
): EventActorView {
  if (e.user_id && e.display_name) return { name: e.display_name, role: e.role, kind: 'user' };
  if (e.user_id == null || e.role == null || e.role === 'admin') return { name: '系统（自动）', role: null, kind: 'system' };
  const source = typeof e.detail?.source === 'string' ? e.detail.source : null;
  if (e.action === 'rating' || e.action.startsWith('rating_') || source === 'portal') return { name: '诉求人（网上评价）', role: null, kind: 'requester' };
  if (t.origin === 'provincial') return { name: '省热线平台', role: null, kind: 'external' };
  if (t.origin === 'national') return { name: '国家政务服务平台', role: null, kind: 'external' };
  if (e.action === 'open311_comment' || (t.channel === 'web' && t.external_id)) return { name: 'Open311 外部系统', role: null, kind: 'external' };
  if (t.channel === 'web') return { name: '诉求人（网站）', role: null, kind: 'requester' };
  return { name: '外部系统（API 密钥）', role: null, kind: 'external' };
}
