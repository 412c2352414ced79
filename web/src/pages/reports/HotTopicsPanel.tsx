// 社情民意: hot topics per 县（市）区 (keywords and categories), today's spikes and the alerts the
// nightly check flagged (未诉先办).
import { useEffect, useState } from 'react';
import { Alert, Card, Col, DatePicker, Empty, Row, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, qs } from '../../api';
import type { AlertView as SpikeAlert, HotTopics } from './types';

export function HotTopicsPanel({ districts }: { districts: Array<{ code: string; name: string }> }) {
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(6, 'day'), dayjs()]);
  const [district, setDistrict] = useState<string | undefined>();
  const [data, setData] = useState<HotTopics | null>(null);
  const [alerts, setAlerts] = useState<SpikeAlert[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    api<HotTopics>(`/reports/hot-topics${qs({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD'), district })}`)
      .then((d) => live && setData(d))
      .catch((e: Error) => live && setError(e.message));
    api<{ items: SpikeAlert[] }>(`/reports/alerts${qs({ from: dayjs().subtract(60, 'day').format('YYYY-MM-DD') })}`)
      .then((d) => live && setAlerts(d.items))
      .catch(() => live && setAlerts([]));
    return () => {
      live = false;
    };
  }, [range, district]);

  return (
    <div data-testid="hot-topics">
      <Space wrap style={{ marginBottom: 12 }}>
        <DatePicker.RangePicker value={range} allowClear={false} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
        <Select allowClear placeholder="全部县（市）区" style={{ width: 200 }} value={district} onChange={setDistrict} options={districts.map((d) => ({ value: d.code, label: d.name }))} />
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {!data ? (
        <Spin style={{ display: 'block', margin: 40 }} />
      ) : (
        <>
          <Card size="small" title="近 24 小时突增（与此前 14 日比较）" style={{ marginBottom: 12 }} data-testid="live-spikes">
            {data.spikes.length ? (
              data.spikes.map((s) => (
                <Alert
                  key={`${s.district}-${s.topic}`}
                  type="warning"
                  showIcon
                  style={{ marginBottom: 8 }}
                  message={`${s.districtName}「${s.topic}」${s.count} 件（近 14 日日均 ${s.mean.toFixed(1)} 件，阈值 ${s.threshold.toFixed(1)}）`}
                />
              ))
            ) : (
              <Typography.Text type="secondary">暂无突增</Typography.Text>
            )}
          </Card>
          <Row gutter={[12, 12]}>
            {data.districts.length === 0 && (
              <Col span={24}>
                <Empty description="期间内没有工单" />
              </Col>
            )}
            {data.districts.map((d) => (
              <Col xs={24} md={12} xl={8} key={d.district.code || 'none'}>
                <Card size="small" title={`${d.district.name}（${d.tickets} 件）`} data-testid={`district-${d.district.code || 'none'}`}>
                  <div style={{ marginBottom: 6 }}>
                    {d.keywords.map((k, i) => (
                      <Tag key={k.word} color={i < 3 ? 'volcano' : undefined} style={{ marginBottom: 4 }}>
                        {k.word} {k.count}
                      </Tag>
                    ))}
                  </div>
                  <Typography.Text type="secondary">分类：</Typography.Text>
                  {d.categories.map((c) => (
                    <Tag key={c.name} color="blue" style={{ marginBottom: 4 }}>
                      {c.name} {c.count}
                    </Tag>
                  ))}
                </Card>
              </Col>
            ))}
          </Row>
        </>
      )}
      <Card size="small" title="突增预警记录（每日 00:10 检查前一日，每个只标记一次）" style={{ marginTop: 12 }} data-testid="alerts">
        <Table
          size="small"
          rowKey="id"
          loading={alerts === null}
          dataSource={alerts ?? []}
          pagination={{ pageSize: 10, size: 'small' }}
          columns={[
            { title: '日期', dataIndex: 'day', key: 'day', width: 110 },
            { title: '县（市）区', key: 'district', render: (_, a) => a.district.name },
            { title: '话题', dataIndex: 'topic', key: 'topic' },
            { title: '当日件数', dataIndex: 'count', key: 'count', align: 'right' },
            { title: '近 14 日日均', dataIndex: 'mean', key: 'mean', align: 'right', render: (x: number) => x.toFixed(2) },
          ]}
        />
      </Card>
    </div>
  );
}
