// Chinese wording the console shows for the API's codes. The domain's own labels are imported from
// the server's pure domain modules, so the two never disagree.
import type { Light, Role } from './types';
import * as states from '../../src/domain/ticket-states.ts';
import * as types from '../../src/domain/ticket-types.ts';
import * as roles from '../../src/domain/roles.ts';
import { DUTY_KIND_LABELS } from '../../src/domain/duty-kinds.ts';

// Widened to string keys: the console indexes them with codes read from the API.
export const STATUS_LABELS: Record<string, string> = states.STATUS_LABELS;
export const TYPE_LABELS: Record<string, string> = types.TICKET_TYPE_LABELS;
export const CHANNEL_LABELS: Record<string, string> = types.CHANNEL_LABELS;
export const SATISFACTION_LABELS: Record<string, string> = types.SATISFACTION_LABELS;
export const REJECT_REASONS: Record<string, string> = types.REJECT_REASONS;
export const DECLINE_REASONS: Record<string, string> = types.DECLINE_REASONS;
export const ROLE_LABELS: Record<Role, string> = roles.ROLE_LABELS;
export { DUTY_KIND_LABELS };

export const LIGHT_LABELS: Record<Light, string> = { green: '绿灯', yellow: '黄灯', red: '红灯' };
export const LIGHT_COLORS: Record<Light, string> = { green: '#52c41a', yellow: '#faad14', red: '#f5222d' };


export const PARTY_LABELS: Record<string, string> = { lead: '主办', co: '协办', authority: '主管部门' };

/** Where each role starts its day. */
export const HOME_OF: Record<Role, string> = {
  agent: '/intake',
  team_lead: '/intake',
  centre: '/workbench',
  authority: '/workbench',
  unit_staff: '/workbench',
  unit_head: '/workbench',
  admin: '/workbench',
};
