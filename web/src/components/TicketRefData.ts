// Reference data the intake desk and the ticket page share: units and categories, loaded once per
// session (they change only through the admin pages), plus the few labels and formats they need.
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { FormInstance } from 'antd';
import type { Category, Unit } from '../types';

/** Unit kinds that handle tickets (the server refuses the centre, the authority and the city government). */
export const HANDLING_KINDS = ['district', 'department', 'utility', 'subunit'];

export const UNIT_KIND_LABELS: Record<string, string> = {
  district: '县（市）区',
  department: '市直部门',
  utility: '公共企事业单位',
  subunit: '下级承办单位',
  centre: '热线管理机构',
  authority: '热线主管部门',
  government: '市政府',
};

export const REQUESTER_KIND_LABELS: Record<string, string> = { person: '个人', company: '企业', organisation: '组织' };

export const SPECIAL_LABELS: Record<string, string> = { none: '一般事项', special: '特殊事项', special_emergency: '特殊紧急事项' };

export const ORIGIN_LABELS: Record<string, string> = { local: '本地受理', provincial: '省平台转办', national: '国家平台转办' };

export const EMERGENCY_LINE_LABELS: Record<string, string> = {
  '110': '110 报警',
  '119': '119 火警',
  '120': '120 急救',
  '122': '122 交通事故',
};

export const SUBMISSION_KIND_LABELS: Record<string, string> = {
  reply: '办理反馈',
  decline: '不再办理',
  opinion: '协办意见',
  first_response: '初步响应',
  progress: '进度反馈',
  direct_answer: '直接解答',
};

export const APPROVAL_LABELS: Record<string, string> = { none: '', pending: '待负责人审定', approved: '负责人已审定', rejected: '负责人已退回' };

export const REQUEST_KIND_LABELS: Record<string, string> = { return: '退单', dispute: '异议', extension: '延期申请' };
export const REQUEST_STATUS_LABELS: Record<string, string> = { pending: '待处理', approved: '已同意', refused: '未同意', lapsed: '已失效（所涉时限已结束）' };
export const DUTY_STATUS_LABELS: Record<string, string> = { open: '进行中', done: '已完成', cancelled: '已取消' };

export const RESOLUTION_LABELS: Record<string, string> = {
  direct_answer: '直接解答',
  rejected: '不予受理',
  emergency_transfer: '紧急转接',
  replied: '办理反馈',
  declined: '不再办理',
};

export const LINK_KIND_LABELS: Record<string, string> = {
  merged_into: '已并入',
  'merged_into:reverse': '并入本单的重复诉求',
  distinct_from: '经核实非同一诉求',
  'distinct_from:reverse': '经核实非同一诉求',
};

/** The reply limit of each type when the category has none of its own (第十五条; docs/reference/tickets.md). */
export const TYPE_REPLY_LIMITS: Record<string, string> = {
  consultation: '2个工作日',
  help: '5个工作日',
  suggestion: '5个工作日',
  praise: '5个工作日',
  complaint: '15个工作日',
  report: '15个工作日',
};

/** "2026-11-22T10:05:00+08:00" → "2026-11-22 10:05": the server already gives Shanghai time. */
export function fmtTime(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '—';
}

export function fmtDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

let limitsPromise: Promise<Record<string, string>> | null = null;

/**
 * The reply limit of each type as text ("15个工作日"): the city's own table from `GET /limits` where the
 * server has it, else the measures' defaults above.
 */
export function useTypeReplyLimits(): Record<string, string> {
  const [limits, setLimits] = useState<Record<string, string>>(TYPE_REPLY_LIMITS);
  useEffect(() => {
    let live = true;
    limitsPromise ??= api<{ items: Array<{ key: string; text: string }> }>('/limits')
      .then((r) => {
        const out: Record<string, string> = { ...TYPE_REPLY_LIMITS };
        for (const item of r.items ?? []) if (item.key?.startsWith('reply.') && item.text) out[item.key.slice(6)] = item.text;
        return out;
      })
      .catch(() => TYPE_REPLY_LIMITS);
    limitsPromise.then((l) => live && setLimits(l));
    return () => {
      live = false;
    };
  }, []);
  return limits;
}

let unitsPromise: Promise<Unit[]> | null = null;
let categoriesPromise: Promise<Category[]> | null = null;

export function loadUnits(): Promise<Unit[]> {
  unitsPromise ??= api<{ items: Unit[] }>('/units')
    .then((r) => r.items)
    .catch((e) => {
      unitsPromise = null;
      throw e;
    });
  return unitsPromise;
}

export function loadCategories(): Promise<Category[]> {
  categoriesPromise ??= api<{ items: Category[] }>('/categories')
    .then((r) => r.items)
    .catch((e) => {
      categoriesPromise = null;
      throw e;
    });
  return categoriesPromise;
}

export function useUnits(): Unit[] {
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => {
    let live = true;
    loadUnits().then((u) => live && setUnits(u), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  return units;
}

export function useCategories(): Category[] {
  const [categories, setCategories] = useState<Category[]>([]);
  useEffect(() => {
    let live = true;
    loadCategories().then((c) => live && setCategories(c), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  return categories;
}

/** A unit an admin has not deactivated (the list of units may carry `active: false`). */
export const isActive = (u: Unit) => (u as Unit & { active?: boolean }).active !== false;

/** Active handling units as Select options grouped by kind, searchable by name and code. */
export function unitOptions(units: Unit[], filter: (u: Unit) => boolean = () => true) {
  return HANDLING_KINDS.map((kind) => ({
    label: UNIT_KIND_LABELS[kind],
    title: UNIT_KIND_LABELS[kind],
    options: units
      .filter((u) => u.kind === kind && isActive(u) && filter(u))
      .map((u) => ({ value: u.code, label: u.name, search: `${u.name} ${u.code}`.toLowerCase() })),
  })).filter((g) => g.options.length > 0);
}

/** filterOption for Selects whose options carry a lower-case `search` text. */
export function searchFilter(input: string, option?: { search?: string; label?: unknown }): boolean {
  const q = input.trim().toLowerCase();
  if (!q) return true;
  const hay = option?.search ?? (typeof option?.label === 'string' ? option.label.toLowerCase() : '');
  return hay.includes(q);
}

/** Codes of a unit and everything under it. */
export function subtreeOf(units: Unit[], rootCode: string): Set<string> {
  const out = new Set([rootCode]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units) {
      if (u.parent && out.has(u.parent) && !out.has(u.code)) {
        out.add(u.code);
        grew = true;
      }
    }
  }
  return out;
}

/**
 * Puts a problem's field errors on the form fields they name (dotted paths, optionally renamed by
 * `aliases`) and returns the messages no field of the form could take, for a message line.
 */
export function fieldErrorsToForm(
  form: FormInstance,
  errors: Array<{ field: string; message: string }> | undefined,
  known: string[],
  aliases: Record<string, string> = {},
): string[] {
  const rest: string[] = [];
  const fields: Array<{ name: string[]; errors: string[] }> = [];
  for (const e of errors ?? []) {
    const field = aliases[e.field] ?? e.field;
    if (known.includes(field)) fields.push({ name: field.split('.'), errors: [e.message] });
    else rest.push(e.message);
  }
  if (fields.length) form.setFields(fields);
  return rest;
}
