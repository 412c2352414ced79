// A searchable picker of the unit tree (name or code), for every form field that names a unit by code.
import { useMemo } from 'react';
import { TreeSelect } from 'antd';
import { useUnits } from './TicketRefData';
import type { Unit } from '../types';

interface Node {
  value: string;
  title: string;
  children?: Node[];
}

function tree(units: Unit[]): Node[] {
  const nodes = new Map<string, Node>(units.map((u) => [u.code, { value: u.code, title: `${u.name}（${u.code}）` }]));
  const roots: Node[] = [];
  for (const u of units) {
    const node = nodes.get(u.code)!;
    const parent = u.parent ? nodes.get(u.parent) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

export function UnitPicker(props: { value?: string; onChange?: (code: string | undefined) => void; placeholder?: string; disabled?: boolean; style?: React.CSSProperties; 'data-testid'?: string }) {
  const units = useUnits();
  const treeData = useMemo(() => tree(units), [units]);
  return (
    <span data-testid={props['data-testid']} style={{ display: 'inline-block' }}>
    <TreeSelect
      value={props.value}
      onChange={(v) => props.onChange?.(v ?? undefined)}
      treeData={treeData}
      showSearch
      allowClear
      treeDefaultExpandAll={false}
      treeNodeFilterProp="title"
      placeholder={props.placeholder ?? '搜索单位名称或代码'}
      disabled={props.disabled}
      popupMatchSelectWidth={false}
      style={{ minWidth: 220, ...props.style }}
    />
    </span>
  );
}
