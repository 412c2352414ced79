// How a ticket is shown to a viewer: instants in +08:00, lights derived from deadlines now, and the
// requester's data masked for every role that does not need it (confidential: hidden from units),
// in its own fields and inside every free text shown (docs/security-personal-data.md).
import type { Actor } from '../auth/actor.ts';
import type { AppContext } from '../server/context.ts';
import { formatShanghai, lightAt, type Light } from '../domain/deadline.ts';
import { maskIdNumber, maskName, maskPhone, textMaskerFor } from '../domain/masking.ts';
import { isUnitRole, seesRequesterContact } from '../domain/roles.ts';
import { STATUS_LABELS, type TicketStatus } from '../domain/ticket-states.ts';
import { TICKET_TYPE_LABELS, type SpecialLevel, type TicketType } from '../domain/ticket-types.ts';
import { describeLimit, type LimitUnit } from '../domain/time-limits.ts';
import type { DutyRow, TicketRow } from './model.ts';
import type { Duty, RequesterView, TicketSummary } from './contract.ts';

export const at = (iso: string | null | undefined): string | null => (iso ? formatShanghai(iso) : null);

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

export function unitRef(ctx: AppContext, id: number | null | undefined) {
  const u = ctx.org.get(id ?? null);
  return u ? { code: u.code, name: u.name } : null;
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
