// 效能监察: every unit's open duties by light (sortable), totals by kind, the most urgent items, and a
// unit's items on a click. Refreshes every minute; lights come from the server, derived from deadlines.
import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Drawer, Flex, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { api, qs } from '../api';
import { DUTY_KIND_LABELS, LIGHT_COLORS } from '../labels';
import { LightBadge } from '../components/LightBadge';
import type { Light } from '../types';
import { fmt } from '../components/SupervisionShared';

const REFRESH_MS = 60_000;

interface Counts {
  red: number;
  yellow: number;
  green: number;
  total: number;
}
interface UnitRow extends Counts {
  unit: { code: string | null; name: string; kindLabel: string | null; district: { code: string; name: string } | null };
  byKind: Record<string, number>;
}
interface Item {
  dutyId: number;
  ticketNo: string;
  kind: string;
  kindLabel: string;
  unit: { code: string | null; name: string };
  dueAt: string;
  light: Light;
  remaining: string;
}
interface Board {
  now: string;
  totals: Counts;
  byKind: Array<Counts & { kind: string; kindLabel: string }>;
  units: UnitRow[];
  worst: Item[];
}

const itemColumns = [
  { title: '工单编号', dataIndex: 'ticketNo', render: (no: string) => <Link to={`/tickets/${no}`}>{no}</Link> },
  { title: '红黄灯', dataIndex: 'light', render: (l: Light) => <LightBadge light={l} /> },
  { title: '办理环节', dataIndex: 'kindLabel' },
  { title: '承办单位', dataIndex: ['unit', 'name'] },
  { title: '期限', dataIndex: 'dueAt', render: fmt },
  { title: '剩余/超期', dataIndex: 'remaining', render: (r: string) => <span style={{ color: r.startsWith('超期') ? LIGHT_COLORS.red : undefined }}>{r}</span> },
];

function UnitItems({ unit, filter }: { unit: UnitRow['unit']; filter: Record<string, string | undefined> }) {
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ total: number; items: Item[] } | null>(null);
  useEffect(() => {
    api<{ total: number; items: Item[] }>(`/supervision/board/items${qs({ ...filter, unit: unit.code ?? undefined, page, pageSize: 20 })}`).then(setData);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [unit.code, page, JSON.stringify(filter)]);
  return (
    <Table
      data-testid="board-unit-items"
      size="small"
      rowKey="dutyId"
      loading={!data}
      dataSource={data?.items}
      columns={itemColumns.filter((c) => c.title !== '承办单位')}
      pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showTotal: (n) => `共 ${n} 项`, hideOnSinglePage: true }}
    />
  );
}

export default function SupervisionBoardPage() {
  const [params, setParams] = useSearchParams();
  const filter = { light: params.get('light') ?? undefined, kind: params.get('kind') ?? undefined, district: params.get('district') ?? undefined };
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [drill, setDrill] = useState<UnitRow['unit'] | null>(null);
  useEffect(() => {
    const id = window.setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => window.clearInterval(id);
  }, []);
  const key = `${filter.light}|${filter.kind}|${filter.district}`;
  useEffect(() => {
    let live = true;
    api<Board>(`/supervision/board${qs(filter)}`)
      .then((b) => live && (setBoard(b), setError(null)))
      .catch((e) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);
  const setFilter = useCallback(
    (name: string, value: string | undefined) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      }),
    [setParams],
  );
  const districts = [...new Map((board?.units ?? []).filter((u) => u.unit.district).map((u) => [u.unit.district!.code, u.unit.district!.name])).entries()];

  const countCol = (light: Light, title: string) => ({
    title,
    dataIndex: light,
    sorter: (a: UnitRow, b: UnitRow) => a[light] - b[light],
    render: (n: number) => <span style={{ color: n ? LIGHT_COLORS[light] : '#bfbfbf', fontWeight: n ? 600 : undefined }}>{n}</span>,
  });

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          效能监察
        </Typography.Title>
        <Flex gap={8} align="center" wrap>
          <Select allowClear placeholder="红黄灯" style={{ width: 100 }} value={filter.light} onChange={(v) => setFilter('light', v)} options={(['red', 'yellow', 'green'] as Light[]).map((l) => ({ value: l, label: { red: '红灯', yellow: '黄灯', green: '绿灯' }[l] }))} />
          <Select allowClear placeholder="办理环节" style={{ width: 120 }} value={filter.kind} onChange={(v) => setFilter('kind', v)} options={Object.entries(DUTY_KIND_LABELS).map(([value, label]) => ({ value, label }))} />
          <Select allowClear placeholder="县（市）区" style={{ width: 150 }} value={filter.district} onChange={(v) => setFilter('district', v)} options={districts.map(([value, label]) => ({ value, label }))} />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {board ? `${fmt(board.now)} 更新，每分钟自动刷新` : ''}
          </Typography.Text>
          <Button size="small" icon={<ReloadOutlined />} onClick={() => setTick((t) => t + 1)} aria-label="刷新" />
        </Flex>
      </Flex>
      {error && <Alert type="error" showIcon message={error} />}
      <Flex gap={12} wrap>
        {(['red', 'yellow', 'green'] as Light[]).map((l) => (
          <Card key={l} size="small" style={{ minWidth: 140 }}>
            <Statistic title={{ red: '红灯（已超期）', yellow: '黄灯（即将到期）', green: '绿灯' }[l]} value={board?.totals[l] ?? 0} valueStyle={{ color: LIGHT_COLORS[l], fontWeight: 600 }} valueRender={(n) => <span data-testid={`board-total-${l}`}>{n}</span>} />
          </Card>
        ))}
        <Card size="small" style={{ flex: 1, minWidth: 260 }}>
          <Typography.Text type="secondary">按办理环节</Typography.Text>
          <div style={{ marginTop: 6 }}>
            {board?.byKind.map((k) => (
              <Tag key={k.kind} style={{ marginBottom: 4 }}>
                {k.kindLabel} {k.total}（<span style={{ color: LIGHT_COLORS.red }}>{k.red}</span>/<span style={{ color: LIGHT_COLORS.yellow }}>{k.yellow}</span>）
              </Tag>
            ))}
          </div>
        </Card>
      </Flex>
      <Card size="small" title="各承办单位" styles={{ body: { padding: 0 } }}>
        <Table<UnitRow>
          data-testid="board-units"
          size="small"
          rowKey={(r) => r.unit.code ?? '-'}
          loading={!board && !error}
          dataSource={board?.units}
          pagination={false}
          scroll={{ x: 720 }}
          onRow={(r) => ({ onClick: () => setDrill(r.unit), style: { cursor: 'pointer' }, 'data-unit': r.unit.code ?? '' } as any)}
          columns={[
            { title: '单位', dataIndex: ['unit', 'name'], render: (n: string, r) => <a data-testid={`board-unit-${r.unit.code}`}>{n}</a> },
            { title: '类型', dataIndex: ['unit', 'kindLabel'] },
            countCol('red', '红灯'),
            countCol('yellow', '黄灯'),
            countCol('green', '绿灯'),
            { title: '合计', dataIndex: 'total', sorter: (a, b) => a.total - b.total },
          ]}
        />
      </Card>
      <Card size="small" title="最紧急事项" styles={{ body: { padding: 0 } }}>
        <Table data-testid="board-worst" size="small" rowKey="dutyId" dataSource={board?.worst} columns={itemColumns} pagination={false} scroll={{ x: 720 }} />
      </Card>
      <Drawer open={!!drill} onClose={() => setDrill(null)} width={760} title={drill ? `${drill.name}：未完成事项` : ''} destroyOnHidden>
        {drill && <UnitItems unit={drill} filter={filter} />}
      </Drawer>
    </Space>
  );
}
