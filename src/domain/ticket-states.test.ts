import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS, ACTION_RULES, actionsFor, refusal, TICKET_STATUSES, type Action, type TicketStatus } from './ticket-states.ts';
import { ROLES, type Role } from './roles.ts';

describe('ticket actions: who may do what in which state', () => {
  const cases: Array<[Action, TicketStatus, Role, 200 | 403 | 409]> = [
    ['dispatch', 'pending_dispatch', 'agent', 200],
    ['dispatch', 'dispatched', 'agent', 409],
    ['dispatch', 'pending_dispatch', 'unit_staff', 403],
    ['sign', 'dispatched', 'unit_staff', 200],
    ['sign', 'dispatched', 'agent', 403],
    ['sign', 'closed', 'unit_staff', 409],
    ['return', 'in_progress', 'unit_staff', 200],
    ['return', 'replied', 'unit_staff', 409],
    ['dispute', 'dispatched', 'unit_head', 200],
    ['dispute', 'dispatched', 'unit_staff', 403],
    ['settle_dispute', 'disputed', 'authority', 200],
    ['settle_dispute', 'disputed', 'centre', 403],
    ['request_extension', 'in_progress', 'unit_staff', 200],
    ['request_extension', 'dispatched', 'unit_staff', 409],
    ['decide_extension', 'in_progress', 'centre', 200],
    ['decide_extension', 'in_progress', 'unit_head', 403],
    ['reply', 'in_progress', 'unit_head', 200],
    ['reply', 'dispatched', 'unit_staff', 409],
    ['approve_reply', 'awaiting_approval', 'unit_head', 200],
    ['approve_reply', 'awaiting_approval', 'unit_staff', 403],
    ['review', 'replied', 'centre', 200],
    ['review', 'replied', 'agent', 403],
    ['callback', 'callback', 'centre', 200],
    ['callback', 'replied', 'centre', 409],
    ['quality_send_back', 'closed', 'team_lead', 200],
    ['archive', 'closed', 'centre', 200],
    ['archive', 'in_progress', 'centre', 409],
    ['archive', 'closed', 'agent', 403],
    ['merge', 'pending_dispatch', 'agent', 200],
    ['merge', 'dispatched', 'agent', 409],
    ['reveal_contact', 'in_progress', 'unit_staff', 200],
    ['reveal_contact', 'archived', 'unit_staff', 409],
    ['reveal_contact', 'closed', 'unit_head', 409],
    ['reveal_contact', 'in_progress', 'agent', 403],
    ['reveal_contact', 'in_progress', 'authority', 403],
  ];
  for (const [action, status, role, expected] of cases) {
    it(`${action} in ${status} by ${role} → ${expected}`, () => {
      const r = refusal(action, status, role);
      assert.equal(r?.status ?? 200, expected);
      if (r) assert.match(r.title, /[\u4e00-\u9fa5]/, 'the refusal is worded in Chinese');
    });
  }

  it('no action is possible on a finished intake (answered, rejected, transferred, merged), not even reveal_contact', () => {
    for (const status of ['answered', 'rejected', 'transferred', 'merged'] as const) {
      for (const role of ROLES) {
        assert.deepEqual(actionsFor(status, role), [], `${status}/${role}`);
      }
    }
  });

  it('every action has a Chinese label, at least one role and one state', () => {
    for (const action of ACTIONS) {
      const rule = ACTION_RULES[action];
      assert.ok(rule.roles.length && rule.from.length, action);
      assert.match(rule.label, /^[\u4e00-\u9fa5]+$/, action);
      for (const s of rule.from) assert.ok(TICKET_STATUSES.includes(s));
    }
  });
});
