// Row types of 质效审核 (第二十六条) and 智能质检 (第三十一条(一)); see ./migrations/2026-12-01-quality.ts.
import type { Generated } from 'kysely';

/** A 质效审核 sample: closed tickets of a period (Shanghai dates, inclusive), drawn with a seed. */
export interface QualitySampleTable {
  id: Generated<number>;
  period_from: string;
  period_to: string;
  unit_id: number | null;
  requested_size: number | null;
  rate: number | null;
  seed: string;
  population: number;
  size: number;
  created_by: number;
  created_at: string;
}

/** One sampled ticket's review: pending | pass | perfunctory (退回重办) | wrong_unit (改派). */
export interface QualityReviewTable {
  id: Generated<number>;
  sample_id: number;
  ticket_id: number;
  /** The unit that closed it, when sampled. */
  unit_id: number | null;
  outcome: string;
  note: string | null;
  target_unit_id: number | null;
  reviewed_by: number | null;
  reviewed_at: string | null;
}

/** A call's transcript, attached to its ticket for 智能质检. */
export interface QcTranscriptTable {
  ticket_id: number;
  content: string;
  attached_by: number;
  attached_at: string;
}

/** The team lead's decision on a 第三十一条(一) case (a rule hit on a ticket). */
export interface QcCaseDecisionTable {
  ticket_id: number;
  rule: string;
  agent_id: number | null;
  decision: string;
  note: string;
  decided_by: number;
  decided_at: string;
}
