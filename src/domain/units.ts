// A unit of the organisation (承办单位, 县（市）区, the centre …) as the platform holds it in memory.
export interface Unit {
  id: number;
  code: string;
  name: string;
  kind: string;
  parentId: number | null;
  path: string;
  smsPhone: string | null;
  active: boolean;
}
