// Saved views of the ticket list: a named filter set (the list's query string without the page),
// kept in localStorage per user, plus a few built-in ones.
import { useMemo, useState } from 'react';
import { App, Button, Dropdown, Input, Modal, Tooltip } from 'antd';
import type { MenuProps } from 'antd';
import { DeleteOutlined, DownOutlined, SaveOutlined } from '@ant-design/icons';

export interface SavedView {
  name: string;
  params: string;
}

export const BUILTIN_VIEWS: SavedView[] = [
  { name: '即将超期', params: 'light=yellow&sort=due' },
  { name: '已超期', params: 'light=red&sort=due' },
  { name: '待签收', params: 'status=dispatched' },
];

const storageKey = (username: string) => `hotline12345.ticketListViews.${username}`;

function readViews(username: string): SavedView[] {
  try {
    const raw = localStorage.getItem(storageKey(username));
    const parsed = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((v) => v && typeof v.name === 'string' && typeof v.params === 'string') : [];
  } catch {
    return [];
  }
}

function writeViews(username: string, views: SavedView[]): void {
  try {
    localStorage.setItem(storageKey(username), JSON.stringify(views));
  } catch {
    /* storage full or disabled: the view lives until the page is left */
  }
}

/** A query string with the page dropped and keys sorted, so equal filter sets compare equal. */
export function normaliseViewParams(search: string | URLSearchParams): string {
  const p = new URLSearchParams(search);
  p.delete('page');
  const entries = [...p.entries()].filter(([, v]) => v !== '').sort(([a], [b]) => a.localeCompare(b));
  return new URLSearchParams(entries).toString();
}

export function ListSavedViews({ username, current, onApply }: { username: string; current: string; onApply: (params: string) => void }) {
  const { message } = App.useApp();
  const [views, setViews] = useState<SavedView[]>(() => readViews(username));
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const normalisedCurrent = normaliseViewParams(current);
  const active = useMemo(
    () => [...BUILTIN_VIEWS, ...views].find((v) => normaliseViewParams(v.params) === normalisedCurrent)?.name,
    [views, normalisedCurrent],
  );

  const remove = (view: SavedView) => {
    const next = views.filter((v) => v.name !== view.name);
    setViews(next);
    writeViews(username, next);
  };

  const save = () => {
    const trimmed = name.trim();
    if (!trimmed) {
      message.warning('请填写视图名称');
      return;
    }
    if (BUILTIN_VIEWS.some((v) => v.name === trimmed)) {
      message.warning('与内置视图重名，请换一个名称');
      return;
    }
    const next = [...views.filter((v) => v.name !== trimmed), { name: trimmed, params: normalisedCurrent }];
    setViews(next);
    writeViews(username, next);
    setSaving(false);
    setName('');
    message.success(`已保存视图「${trimmed}」`);
  };

  const items: MenuProps['items'] = [
    {
      type: 'group',
      label: '内置视图',
      children: BUILTIN_VIEWS.map((v) => ({ key: `builtin:${v.name}`, label: v.name, 'data-view': v.name } as any)),
    },
    ...(views.length
      ? [
          { type: 'divider' as const },
          {
            type: 'group' as const,
            label: '我的视图',
            children: views.map((v) => ({
              key: `saved:${v.name}`,
              'data-view': v.name,
              label: (
                <span style={{ display: 'flex', justifyContent: 'space-between', gap: 12 }}>
                  <span>{v.name}</span>
                  <Tooltip title="删除此视图">
                    <DeleteOutlined
                      aria-label={`删除视图 ${v.name}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        remove(v);
                      }}
                    />
                  </Tooltip>
                </span>
              ),
            } as any)),
          },
        ]
      : []),
    { type: 'divider' },
    { key: 'save', icon: <SaveOutlined />, label: '保存当前筛选为视图…' },
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'save') {
      setName(active && !BUILTIN_VIEWS.some((v) => v.name === active) ? active : '');
      setSaving(true);
      return;
    }
    const [kind, ...rest] = String(key).split(':');
    const viewName = rest.join(':');
    const view = (kind === 'builtin' ? BUILTIN_VIEWS : views).find((v) => v.name === viewName);
    if (view) onApply(view.params);
  };

  return (
    <>
      <Dropdown menu={{ items, onClick, selectable: true, selectedKeys: active ? [BUILTIN_VIEWS.some((v) => v.name === active) ? `builtin:${active}` : `saved:${active}`] : [] }} trigger={['click']}>
        <Button data-testid="saved-views">
          {active ? `视图：${active}` : '视图'} <DownOutlined />
        </Button>
      </Dropdown>
      <Modal title="保存当前筛选为视图" open={saving} onOk={save} onCancel={() => setSaving(false)} okText="保存" destroyOnHidden>
        <Input autoFocus placeholder="视图名称，如：本周投诉" maxLength={30} value={name} onChange={(e) => setName(e.target.value)} onPressEnter={save} data-testid="saved-view-name" />
      </Modal>
    </>
  );
}
