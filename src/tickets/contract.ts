// The tickets' API contract: the intake's dispositions, the phone pattern, and the shapes
// GET /api/v1/tickets… answers with. Imports nothing server-only, so the console (web/) types its
// pages with these very declarations and validates a phone as the server does.
import type { Light } from '../domain/deadline.ts';
import type { Role } from '../domain/roles.ts';
import type { SpecialLevel } from '../domain/ticket-types.ts';

/** What the agent does with a new request (第十条 to 第十三条). */
export const DISPOSITIONS = ['dispatch', 'pending', 'direct_answer', 'reject', 'emergency_transfer', 'merge'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** The phone pattern the API validates (src/domain/ticket-types.ts), for the console's forms. */
export { PHONE_PATTERN } from '../domain/ticket-types.ts';

export interface UnitRef {
  code: string;
  name: string;
}

/** A ticket as lists and the workbench show it. */
export interface TicketSummary {
  no: string;
  status: string;
  statusLabel: string;
  channel: string;
  type: string;
  typeLabel: string;
  category: string | null;
  /** The first 120 characters, masked for the viewer. */
  facts: string;
  requesterName: string | null;
  leadUnit: UnitRef | null;
  special: SpecialLevel;
  supervised: boolean;
  createdAt: string;
  nextDueAt: string | null;
  light: Light | null;
  provisional: boolean;
}

/** One obligation of one party with one deadline (sign, reply, opinion, …). */
export interface Duty {
  id: number;
  unit: UnitRef | null;
  handlerUnit: UnitRef | null;
  party: 'lead' | 'co' | 'authority';
  kind: string;
  round: number;
  limit: string;
  limitKey: string;
  startedAt: string;
  dueAt: string;
  status: 'open' | 'done' | 'cancelled';
  completedAt: string | null;
  late: boolean;
  light: Light | null;
  provisional: boolean;
  extensions: number;
}

/** The requester as this viewer may see them: masked for the roles that do not need the contact. */
export interface RequesterView {
  kind: string;
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  /** Only Open311 requests carry one, and only the roles that reach the requester see it. */
  email?: string;
  confidential: boolean;
  masked: boolean;
}

/** GET /tickets/:no. */
export interface TicketDetail extends TicketSummary {
  origin: string;
  externalId: string | null;
  categoryCode: string | null;
  requester: RequesterView;
  /** What the requester added later through an Open311 client. */
  comments: Array<{ id: number; at: string; text: string; clientStatus: string | null }>;
  address: string | null;
  district: UnitRef | null;
  round: number;
  satisfaction: string | null;
  resolution: string | null;
  resolutionNote: string | null;
  repeatCount: number;
  callId: string | null;
  /** The call the ticket was taken from, with its recording for the roles that may hear it. */
  call: { id: number; recordingUrl: string | null } | null;
  updatedAt: string;
  closedAt: string | null;
  duties: Duty[];
  submissions: Array<{
    unit: UnitRef | null;
    kind: string;
    round: number;
    content: string | null;
    reasonCode: string | null;
    article: { id: number; title: string } | null;
    approval: string;
    /** The centre's 反馈审核 of a reply: pending | accepted | rejected. */
    review: string | null;
    createdAt: string;
  }>;
  requests: Array<{
    kind: string;
    unit: UnitRef | null;
    reason: string | null;
    basis: string | null;
    suggestedUnit: UnitRef | null;
    amount: number | null;
    signedBy: string | null;
    status: string;
    late: boolean;
    improper: boolean;
    requestedAt: string;
    decidedAt: string | null;
    decisionNote: string | null;
    designatedUnit: UnitRef | null;
  }>;
  callbacks: Array<{ round: number; reached: boolean; satisfaction: string | null; words: string | null; reasonable: boolean | null; createdAt: string }>;
  links: Array<{ kind: string; no: string; status: string }>;
  /** What the viewer may do now, as the server decides. */
  actions: string[];
}

/** One line of a ticket's history (GET /tickets/:no/events). */
export interface TicketEvent {
  id: number;
  at: string;
  action: string;
  actionLabel: string;
  actor: { name: string; role: Role | null; unit: UnitRef | null };
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, unknown> | null;
}
