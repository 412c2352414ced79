// What the admin pages share: the shapes of the admin API, unit kind names, loading a resource,
// trees from parent codes, and showing a problem+json error on the form field it names.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Flex, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { api, ApiError } from '../api';
import { UNIT_KIND_LABELS as DOMAIN_UNIT_KIND_LABELS } from '../../../src/domain/unit-kinds.ts';

export interface AdminUnit {
  code: string;
  name: string;
  kind: string;
  kindLabel?: string;
  parent: string | null;
  depth: number;
  smsPhone: string | null;
  active: boolean;
}

export interface AdminUser {
  username: string;
  displayName: string;
  role: string;
  unit: string | null;
  active: boolean;
  revokedSessions?: number;
}

export type LimitUnit = 'working_days' | 'days' | 'hours';

export interface AdminCategory {
  code: string;
  name: string;
  parent: string | null;
  defaultUnit: { code: string; name: string } | null;
  replyLimit: string | null;
  limit: { unit: LimitUnit; amount: number } | null;
  legalBasis: string | null;
  keywords: string[];
}

export interface CityLimit {
  key: string;
  group: string;
  label: string;
  limit: { unit: LimitUnit; amount: number };
  text: string;
}

export const UNIT_KIND_LABELS: Record<string, string> = DOMAIN_UNIT_KIND_LABELS;

export const UNIT_KIND_COLORS: Record<string, string> = {
  centre: 'geekblue',
  authority: 'purple',
  government: 'red',
  district: 'green',
  department: 'blue',
  utility: 'orange',
  subunit: 'default',
};

/** Kinds that handle tickets (the others dispatch, supervise or receive reports). */
export const HANDLING_KINDS = new Set(['district', 'department', 'utility', 'subunit']);

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.problem.title;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Puts the server's field errors on the form fields they name (`fieldMap` maps API field names to
 * form names where they differ). Returns the problem's title for a message.
 */
export function showFieldErrors(form: FormInstance, err: unknown, fieldMap: Record<string, string> = {}): string {
  if (err instanceof ApiError && err.problem.errors?.length) {
    form.setFields(
      err.problem.errors.map((e) => {
        const top = e.field.split('.')[0];
        return { name: fieldMap[e.field] ?? fieldMap[top] ?? top, errors: [e.message] };
      }),
    );
  }
  return errorText(err);
}

/** GETs a resource; `reload` fetches it again. */
export function useApiData<T>(path: string | null): { data: T | undefined; loading: boolean; error: string | null; reload: () => Promise<void> } {
  const [data, setData] = useState<T>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    if (!path) return;
    setLoading(true);
    try {
      setData(await api<T>(path));
      setError(null);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, loading, error, reload };
}

export type TreeNode<T> = T & { key: string; children?: TreeNode<T>[] };

/** Nests items by their parent code; items whose parent is missing become roots. Leaves have no `children`. */
export function buildTree<T extends { code: string; parent: string | null }>(items: T[]): TreeNode<T>[] {
  const nodes = new Map<string, TreeNode<T>>(items.map((i) => [i.code, { ...i, key: i.code }]));
  const roots: TreeNode<T>[] = [];
  for (const item of items) {
    const node = nodes.get(item.code)!;
    const parent = item.parent ? nodes.get(item.parent) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

/** Keys of every node that has children (to expand a whole tree). */
export function branchKeys<T>(nodes: TreeNode<T>[]): string[] {
  return nodes.flatMap((n) => (n.children?.length ? [n.key, ...branchKeys(n.children)] : []));
}

export function PageTitle({ title, extra, children }: { title: string; extra?: ReactNode; children?: ReactNode }) {
  return (
    <Flex wrap gap={8} align="center" justify="space-between" style={{ marginBottom: 12 }}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {children && (
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {children}
          </Typography.Text>
        )}
      </div>
      {extra && (
        <Flex wrap gap={8} align="center">
          {extra}
        </Flex>
      )}
    </Flex>
  );
}

const shanghai = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** An instant as people read it in the city: 2026-11-12 23:59 (Shanghai time, whatever offset the API wrote). */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : shanghai.format(ms);
}
