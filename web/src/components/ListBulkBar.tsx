// 批量操作 over the rows selected in a work list: archive, dispatch, sign or name the unit's 承办人
// where the role may, and export the selection to .xlsx. The server applies the single action to each ticket on its
// own and answers ticket by ticket; failures are listed with their reasons.
import { useEffect, useState } from 'react';
import { App, Button, Flex, List, Modal, Select, Typography } from 'antd';
import { DownloadButton } from './DownloadButton';
import { api, ApiError } from '../api';

interface BulkResult {
  actionLabel: string;
  requested: number;
  done: number;
  failed: number;
  items: Array<{ no: string; ok: boolean; status?: string; error?: { status: number; title: string } }>;
}

export type BulkAction = 'archive' | 'dispatch' | 'sign' | 'assign';

const ACTIONS: Array<{ action: BulkAction; label: string; roles: string[] }> = [
  { action: 'archive', label: '批量归档', roles: ['centre', 'team_lead', 'admin'] },
  { action: 'dispatch', label: '批量派单（按分类默认单位）', roles: ['agent', 'team_lead', 'centre', 'admin'] },
  { action: 'sign', label: '批量签收', roles: ['unit_staff', 'unit_head'] },
  { action: 'assign', label: '批量指定承办人', roles: ['unit_staff', 'unit_head'] },
];

/**
 * The bar over a list's selected rows. `actions` narrows the role's actions to those that make sense
 * for the list (a queue of tickets to archive offers 批量归档 only); export is always offered.
 */
export function ListBulkBar({ role, selected, onClear, onDone, actions }: { role: string; selected: string[]; onClear(): void; onDone(): void; actions?: readonly BulkAction[] }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<BulkResult | null>(null);
  const [picking, setPicking] = useState(false);
  const [assignee, setAssignee] = useState<string | undefined>();
  const [members, setMembers] = useState<Array<{ username: string; displayName: string }>>([]);
  useEffect(() => {
    if (!picking || members.length) return;
    api<{ items: typeof members }>('/units/mine/members')
      .then((r) => setMembers(r.items))
      .catch(() => undefined);
  }, [picking, members.length]);
  if (!selected.length) return null;

  const run = async (action: string, body?: Record<string, unknown>) => {
    setBusy(action);
    try {
      const r = await api<BulkResult>('/tickets/bulk', { body: { action, nos: selected, ...(body ? { body } : {}) } });
      setResult(r);
      if (r.failed) message.warning(`${r.actionLabel}：成功 ${r.done} 张，失败 ${r.failed} 张`);
      else message.success(`${r.actionLabel}：已完成 ${r.done} 张`);
      onClear();
      onDone();
    } catch (e) {
      message.error(e instanceof ApiError ? e.message : '网络异常，请重试');
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Flex gap={8} wrap align="center" data-testid="bulk-bar" data-selected={selected.length} style={{ margin: '0 0 8px', padding: '6px 10px', background: '#e6f4ff', borderRadius: 6 }}>
        <Typography.Text strong>已选 {selected.length} 张</Typography.Text>
        {ACTIONS.filter((a) => a.roles.includes(role) && (!actions || actions.includes(a.action))).map((a) => (
          <Button key={a.action} size="small" type={a.action === 'archive' ? 'primary' : 'default'} loading={busy === a.action} disabled={!!busy} onClick={() => (a.action === 'assign' ? setPicking(true) : void run(a.action))} data-testid={`bulk-${a.action}`}>
            {a.label}
          </Button>
        ))}
        <DownloadButton size="small" disabled={!!busy} request={{ path: '/tickets/export.xlsx', method: 'POST', body: { nos: selected }, fileName: '工单导出.xlsx' }} testId="bulk-export">
          导出所选（xlsx）
        </DownloadButton>
        <Button size="small" type="link" onClick={onClear}>
          取消选择
        </Button>
      </Flex>
      <Modal
        open={picking}
        title={`为所选 ${selected.length} 张工单指定承办人`}
        okText="确定"
        cancelText="取消"
        okButtonProps={{ disabled: !assignee, loading: busy === 'assign' }}
        onCancel={() => setPicking(false)}
        onOk={() => {
          setPicking(false);
          void run('assign', { assignee });
        }}
        destroyOnHidden
      >
        <Select
          style={{ width: '100%' }}
          showSearch
          optionFilterProp="label"
          placeholder="选择本单位的工作人员"
          value={assignee}
          onChange={setAssignee}
          data-testid="bulk-assignee"
          options={members.map((m) => ({ value: m.username, label: `${m.displayName}（${m.username}）` }))}
        />
      </Modal>
      <Modal open={!!result && result.failed > 0} title={result ? `${result.actionLabel}：${result.failed} 张未完成` : ''} onOk={() => setResult(null)} onCancel={() => setResult(null)} cancelButtonProps={{ style: { display: 'none' } }} okText="知道了">
        <List
          size="small"
          data-testid="bulk-failures"
          dataSource={result?.items.filter((i) => !i.ok) ?? []}
          renderItem={(i) => (
            <List.Item key={i.no}>
              <Typography.Text code>{i.no}</Typography.Text> {i.error?.title}
            </List.Item>
          )}
        />
      </Modal>
    </>
  );
}
