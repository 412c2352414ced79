// The shapes the API answers with (see /api/docs).
// From the server's own modules (type-only: nothing of the server enters the bundle), so they cannot drift.
export type { Role } from '../../src/domain/roles.ts';
export type { Light } from '../../src/domain/deadline.ts';
import type { Role } from '../../src/domain/roles.ts';
import type { Light } from '../../src/domain/deadline.ts';

export interface UnitRef {
  code: string;
  name: string;
}

export interface CurrentUser {
  username: string;
  displayName: string;
  role: Role;
  roleLabel: string;
  unit: UnitRef | null;
  /** An admin reset the password: the console shows only the change form until it is changed. */
  mustChangePassword?: boolean;
}

export interface TicketSummary {
  no: string;
  status: string;
  statusLabel: string;
  channel: string;
  type: string;
  typeLabel: string;
  category: string | null;
  facts: string;
  requesterName: string | null;
  leadUnit: UnitRef | null;
  special: 'none' | 'special' | 'special_emergency';
  supervised: boolean;
  createdAt: string;
  nextDueAt: string | null;
  light: Light | null;
  provisional: boolean;
  /** 承办人 of each unit (a unit user sees its own units' only). */
  assignees?: Assignee[];
}

export interface Assignee {
  unit: UnitRef | null;
  username: string;
  name: string;
  mine: boolean;
}

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

export interface TicketDetail extends TicketSummary {
  origin: string;
  externalId: string | null;
  categoryCode: string | null;
  requester: { kind: string; name: string | null; phone: string | null; idNumber: string | null; confidential: boolean; masked: boolean };
  address: string | null;
  district: UnitRef | null;
  round: number;
  satisfaction: string | null;
  resolution: string | null;
  resolutionNote: string | null;
  repeatCount: number;
  callId: string | null;
  /** The call the ticket was taken from, with its recording once the switch delivers it. */
  call?: { id: number | string; recordingUrl: string | null } | null;
  updatedAt: string;
  closedAt: string | null;
  duties: Duty[];
  submissions: Array<{ id?: number; unit: UnitRef | null; kind: string; round: number; content: string; reasonCode: string | null; article: { id: number; title: string } | null; approval: string; createdAt: string; attachments?: Attachment[] }>;
  requests: Array<{ kind: string; unit: UnitRef | null; reason: string; basis: string | null; suggestedUnit: UnitRef | null; amount: number | null; signedBy: string | null; status: string; late: boolean; improper: boolean; requestedAt: string; decidedAt: string | null; decisionNote: string | null; designatedUnit: UnitRef | null }>;
  callbacks: Array<{ round: number; reached: boolean; satisfaction: string | null; words: string | null; reasonable: boolean | null; createdAt: string }>;
  links: Array<{ kind: string; no: string; status: string }>;
  actions: string[];
}

/** A file on a unit's reply; `url` downloads it (never shown inside the page). */
export interface Attachment {
  id: number;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

export interface TicketEvent {
  id: number;
  at: string;
  action: string;
  actionLabel: string;
  /** kind: a user, the system's own timers, the requester (portal), or an external platform or client. */
  actor: { name: string; role: Role | null; kind?: 'user' | 'system' | 'requester' | 'external'; unit: UnitRef | null };
  fromStatus: string | null;
  toStatus: string | null;
  detail: Record<string, unknown> | null;
  /** 内部备注 and 指定承办人: staff-only entries. */
  internal?: boolean;
  note?: string | null;
  assignee?: string | null;
  previousAssignee?: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Unit {
  code: string;
  name: string;
  kind: string;
  parent: string | null;
  depth: number;
}

export interface Category {
  code: string;
  name: string;
  parent: string | null;
  defaultUnit: UnitRef | null;
  replyLimit: string | null;
  legalBasis: string | null;
  keywords: string[];
}
