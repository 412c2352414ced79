// The shapes the API answers with (see /api/docs).
// From the server's own modules (type-only: nothing of the server enters the bundle), so they cannot drift.
export type { Role } from '../../src/domain/roles.ts';
export type { Light } from '../../src/domain/deadline.ts';
import type { Role } from '../../src/domain/roles.ts';
export type { Assignee, Attachment, Duty, TicketDetail, TicketEvent, TicketSummary, UnitRef } from '../../src/tickets/contract.ts';
import type { UnitRef } from '../../src/tickets/contract.ts';

export interface CurrentUser {
  username: string;
  displayName: string;
  role: Role;
  roleLabel: string;
  unit: UnitRef | null;
  /** An admin reset the password: the console shows only the change form until it is changed. */
  mustChangePassword?: boolean;
}

/** One page of a paged list: the server's own declaration. */
export type { Paged as Page } from '../../src/domain/call-contract.ts';

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
