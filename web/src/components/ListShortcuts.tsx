// Keyboard shortcuts for every list in the console: j / k move through the rows of the table on screen,
// Enter opens the row (its first link, else the row's own click), / goes to the page's search box, and
// ? shows them all. They work on the tables as drawn, so every page's list has them without wiring.
import { useEffect, useState } from 'react';
import { Modal, Table, Typography } from 'antd';

const ROW = 'tr.ant-table-row';
const ACTIVE = 'row-active';
const SEARCH = [
  'main [data-shortcut="search"] input',
  'main input[type="search"]',
  'main .ant-input-search input',
  'main input[placeholder*="搜索"]',
  'main input[placeholder*="检索"]',
  'main input[placeholder*="关键词"]',
].join(',');

export const SHORTCUTS: Array<{ keys: string; what: string }> = [
  { keys: 'j / k', what: '列表中移到下一行 / 上一行' },
  { keys: 'Enter', what: '打开选中的行' },
  { keys: '/', what: '转到本页的搜索框' },
  { keys: '?', what: '显示本帮助' },
  { keys: 'Esc', what: '离开搜索框、关闭对话框' },
  { keys: 'Ctrl+Enter', what: '受理台：受理并派单' },
  { keys: 'Alt+L / Alt+R / Alt+N', what: '坐席：签入 / 就绪 / 示忙' },
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest('.ant-select, .ant-picker, [role="combobox"]');
}

function visible(el: Element): boolean {
  return (el as HTMLElement).offsetParent !== null;
}

function rowsOf(row: Element): HTMLElement[] {
  return [...(row.parentElement?.querySelectorAll<HTMLElement>(`:scope > ${ROW}`) ?? [])];
}

function firstTableRows(): HTMLElement[] {
  for (const body of document.querySelectorAll('main .ant-table-tbody')) {
    const rows = [...body.querySelectorAll<HTMLElement>(`:scope > ${ROW}`)];
    if (rows.length && visible(body)) return rows;
  }
  return [];
}

function activate(row: HTMLElement): void {
  document.querySelectorAll(`.${ACTIVE}`).forEach((r) => {
    r.classList.remove(ACTIVE);
    r.removeAttribute('aria-selected');
  });
  row.classList.add(ACTIVE);
  row.setAttribute('aria-selected', 'true');
  row.tabIndex = -1;
  row.focus({ preventScroll: true });
  row.scrollIntoView({ block: 'nearest' });
}

let styled = false;
function addStyle(): void {
  if (styled) return;
  styled = true;
  const style = document.createElement('style');
  style.textContent = `.ant-table-tbody > tr.${ACTIVE} > td { background: #e6f4ff !important; } .ant-table-tbody > tr.${ACTIVE} { outline: 2px solid #1f5fbf; outline-offset: -2px; }`;
  document.head.appendChild(style);
}

/** Installs the shortcuts; answers whether the help is open and how to close it. */
export function useListShortcuts(): [boolean, (open: boolean) => void] {
  const [help, setHelp] = useState(false);
  useEffect(() => {
    addStyle();
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (e.key === 'Escape' && typing(e.target)) {
        (e.target as HTMLElement).blur();
        return;
      }
      if (typing(e.target)) return;
      // A dialog open over the page keeps its own keys.
      if (document.querySelector('.ant-modal-wrap:not([style*="display: none"]) .ant-modal')) return;
      const active = document.querySelector<HTMLElement>(`main .${ACTIVE}`);
      const current = active?.isConnected && visible(active) ? active : null;
      if (e.key === 'j' || e.key === 'k') {
        const rows = current ? rowsOf(current) : firstTableRows();
        if (!rows.length) return;
        e.preventDefault();
        const at = current ? rows.indexOf(current) : -1;
        const next = e.key === 'j' ? Math.min(at + 1, rows.length - 1) : at < 0 ? 0 : Math.max(at - 1, 0);
        activate(rows[next]!);
      } else if (e.key === 'Enter' && current) {
        const target = e.target as HTMLElement;
        // A focused button or link answers Enter itself.
        if (target !== current && target !== document.body && target.closest('button, a, [role="button"]')) return;
        e.preventDefault();
        const link = current.querySelector<HTMLElement>('a[href]');
        (link ?? current).click();
      } else if (e.key === '/') {
        const box = [...document.querySelectorAll<HTMLInputElement>(SEARCH)].find(visible);
        if (!box) return;
        e.preventDefault();
        box.focus();
        box.select();
      } else if (e.key === '?') {
        e.preventDefault();
        setHelp(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return [help, setHelp];
}

export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Modal open={open} onCancel={onClose} footer={null} title="键盘快捷键" data-testid="shortcut-help">
      <Typography.Paragraph type="secondary">在输入框之外按下；在输入框中按 Esc 离开。</Typography.Paragraph>
      <Table
        size="small"
        pagination={false}
        rowKey="keys"
        dataSource={SHORTCUTS}
        columns={[
          { title: '按键', dataIndex: 'keys', render: (k: string) => <Typography.Text keyboard>{k}</Typography.Text> },
          { title: '作用', dataIndex: 'what' },
        ]}
      />
    </Modal>
  );
}
