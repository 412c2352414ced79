// The work queues the server knows (src/tickets/queues.ts): their names, for a `?queue=` link that
// arrives at the list before the workbench is loaded, and the colours the workbench gives them.
import { QUEUES } from '../../../src/domain/queues.ts';

export const QUEUE_LABELS: Record<string, string> = QUEUES;

/** Colour of a queue's count: overdue red, due soon orange, the rest the theme's text colour. */
export const QUEUE_COLORS: Record<string, string | undefined> = {
  overdue: '#cf1322',
  due_soon: '#d46b08',
};

export interface WorkbenchQueue {
  key: string;
  label: string;
  count: number;
}
