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
  /** 承办人 of each unit (a unit user sees its own units' only); lists and the ticket page carry it. */
  assignees?: Assignee[];
}

/** The member of a unit who owns the unit's part of a ticket (承办人). */
export interface Assignee {
  unit: UnitRef | null;
  username: string;
  name: string;
  /** The viewer is the assignee. */
  mine: boolean;
}

/** A file on a unit's reply; `url` downloads it (always as an attachment, never shown inside the page). */
export interface Attachment {
  id: number;
  name: string;
  contentType: string;
  size: number;
  url: string;
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
    id: number;
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
    attachments: Attachment[];
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
  /** kind: a user, the system's own timers, the requester (portal), or an external platform or client. */
  actor: { name: string; role: Role | null; kind: 'user' | 'system' | 'requester' | 'external'; unit: UnitRef | null };
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, unknown> | null;
  /** 内部备注 and 指定承办人: staff-only entries. */
  internal?: boolean;
  note?: string | null;
  assignee?: string | null;
  previousAssignee?: string | null;
}
