// The knowledge base's code tables (kinds, statuses, lifecycle actions) from GET /kb/meta, loaded once
// per session, so the console names them as the server does; plus the few words the API has no table for.
import { useEffect, useState } from 'react';
import { api } from '../api';
import { KB_REPORT_STATUS_LABELS, KB_REPORTERS, KB_WRITERS } from '../../../src/knowledge/contract.ts';
import type { KbMeta } from './KbTypes';

let metaPromise: Promise<KbMeta> | null = null;

export function loadKbMeta(): Promise<KbMeta> {
  metaPromise ??= api<KbMeta>('/kb/meta').catch((e) => {
    metaPromise = null;
    throw e;
  });
  return metaPromise;
}

const EMPTY: KbMeta = { kinds: [], statuses: [], actions: [] };

export interface KbLabels extends KbMeta {
  loaded: boolean;
  kind(code: string): string;
  status(code: string | null | undefined): string;
  action(code: string): string;
}

export function useKbMeta(): KbLabels {
  const [meta, setMeta] = useState<KbMeta | null>(null);
  useEffect(() => {
    let live = true;
    loadKbMeta().then((m) => live && setMeta(m), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  const m = meta ?? EMPTY;
  const find = (list: Array<{ code: string; label: string }>, code: string) => list.find((x) => x.code === code)?.label ?? code;
  return {
    ...m,
    loaded: !!meta,
    kind: (code) => find(m.kinds, code),
    status: (code) => (code ? REPORT_STATUS_LABELS[code] ?? find(m.statuses, code) : ''),
    action: (code) => find(m.actions, code),
  };
}

/** Validity on today's date (the API's `validity`; `any` is "no filter"). */
export const VALIDITY_LABELS: Record<string, string> = { current: '有效', upcoming: '尚未生效', expired: '已失效', draft: '讨论稿（未生效）' };

/** 纠错 report states (events of a report's resolution carry them as from/to status). */
export const REPORT_STATUS_LABELS: Record<string, string> = KB_REPORT_STATUS_LABELS;

/** Who may write and handle 纠错, and who may report errors: the server's own lists. */
export { KB_REPORTERS, KB_WRITERS };
/** Roles with a knowledge-base to-do list (entries, approvals, reviews, 纠错, upkeep): the writers. */
export const KB_TODO_ROLES = KB_WRITERS;
