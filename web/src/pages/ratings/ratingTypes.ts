// The 差评 review as GET /api/v1/ratings/reviews answers it (src/ratings/reviews.ts reviewView), and
// the labels of its codes, taken from the domain module the server uses.
import type { Light } from '../../types';
export {
  CLASSIFICATIONS,
  CLASSIFICATION_LABELS,
  RECTIFY_OUTCOMES,
  RECTIFY_OUTCOME_LABELS,
  REVIEW_ACTIONS,
  REVIEW_ACTION_LABELS,
  REVIEW_STATUSES,
  REVIEW_STATUS_LABELS,
  type Classification,
  type RectifyOutcome,
  type ReviewAction,
  type ReviewStatus,
} from '../../../../src/domain/ratings.ts';
import type { ReviewAction, ReviewStatus } from '../../../../src/domain/ratings.ts';

export interface RatingReview {
  id: number;
  ticketNo: string;
  ticketType: string;
  source: string;
  sourceLabel: string;
  level: string;
  levelLabel: string;
  /** The rater's words; phone-like digit runs already masked by the server for units and the authority. */
  comment: string | null;
  /** Present only for the centre, who calls the rater back. */
  rater?: { name: string | null; phone: string | null };
  unit: { code: string; name: string } | null;
  status: ReviewStatus;
  statusLabel: string;
  classification: string | null;
  classificationLabel: string | null;
  dueAt: string | null;
  light: Light | null;
  provisional: boolean;
  verify: { dueAt: string | null; at: string | null; late: boolean; note: string | null };
  rectify: { dueAt: string | null; at: string | null; late: boolean; outcome: string | null; outcomeLabel: string | null; content: string | null } | null;
  appeal: { reason: string | null; at: string | null; dueAt: string | null; decision: string | null; note: string | null; decidedAt: string | null; late: boolean } | null;
  callback: { dueAt: string | null; at: string | null; late: boolean; result: string | null; note: string | null } | null;
  createdAt: string;
  actions: ReviewAction[];
}

export const STATUS_COLORS: Record<ReviewStatus, string> = {
  verifying: 'blue',
  rectifying: 'orange',
  appealing: 'purple',
  callback: 'cyan',
  closed: 'green',
  void: 'default',
};

export const CALLBACK_RESULT_LABELS: Record<string, string> = { accepted: '评价人认可整改', not_accepted: '评价人仍不认可', unreached: '未联系上评价人' };
export const APPEAL_DECISION_LABELS: Record<string, string> = { upheld: '申诉成立', refused: '申诉不成立' };

export const fmt = (s: string | null | undefined) => (s ? s.slice(0, 16).replace('T', ' ') : '—');
