// The roles of the platform (hotline-rules §2). A role decides which actions a user may take;
// a unit role also limits what the user sees to the unit's subtree.
export const ROLES = [
  'agent', // 话务员
  'team_lead', // 班长
  'centre', // 市12345热线管理机构 staff: dispatch, review, callback, archive
  'authority', // 热线主管部门: disputes, supervision
  'unit_staff', // 承办单位工作人员
  'unit_head', // 承办单位负责人
  'admin', // 系统管理员
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  agent: '话务员',
  team_lead: '班长',
  centre: '热线管理机构',
  authority: '热线主管部门',
  unit_staff: '承办单位工作人员',
  unit_head: '承办单位负责人',
  admin: '系统管理员',
};

/** Roles that belong to a handling unit and see only that unit's subtree. */
export function isUnitRole(role: Role): boolean {
  return role === 'unit_staff' || role === 'unit_head';
}

/** Roles that work with the requester directly and so see the full contact details. */
export function seesRequesterContact(role: Role): boolean {
  return role === 'agent' || role === 'team_lead' || role === 'centre' || role === 'admin';
}
