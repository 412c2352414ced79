// The kinds of unit in a city's organisation and their Chinese names (server and console share these).
export const UNIT_KINDS = [
  'centre', // 市12345热线管理机构
  'authority', // 热线主管部门 (市营商环境建设监督局)
  'government', // 市政府 (receives special-matter reports)
  'district', // 县（市）区政府
  'department', // 市直部门 / 中省直单位
  'utility', // 公用企事业单位
  'subunit', // 下级或内设承办单位 (第九条)
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  centre: '热线管理机构',
  authority: '热线主管部门',
  government: '市政府',
  district: '县（市）区',
  department: '市直部门',
  utility: '公用企事业单位',
  subunit: '下级承办单位',
};
