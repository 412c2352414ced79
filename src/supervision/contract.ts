// The supervision API's contract: a 督办 item as GET /api/v1/supervision/items answers it. Imports
// nothing server-only, so the console (web/) types its pages with this very declaration.
import type { Light } from '../domain/deadline.ts';

export interface SupervisionItem {
  id: number;
  kind: string;
  kindLabel: string;
  /** The article of the rules the kind comes from. */
  article: string;
  status: string;
  statusLabel: string;
  ticketNo: string | null;
  ticketStatus: string | null;
  unit: { code: string; name: string } | null;
  matter: string;
  issuedBy: { name: string | null; role: string; unit: string | null };
  issuedAt: string;
  limitKey: string | null;
  dueAt: string | null;
  planDueAt: string | null;
  light: Light | null;
  remaining: string | null;
  provisional: boolean;
  reply: { outcome: string | null; content: string | null; planEndDate: string | null; repliedAt: string; repliedBy: string | null; late: boolean } | null;
  closedAt: string | null;
  closedBy: string | null;
  closeNote: string | null;
  /** What the viewer may do now (reply, close), as the server decides. */
  actions: string[];
}
