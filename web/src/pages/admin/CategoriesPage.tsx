// 分类与时限: the dispatch catalogue (派单目录) as a tree with each leaf's default unit, law-given reply
// limit and its legal basis; editing a leaf; and the city's default limits from the 管理办法.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api';
import {
  HANDLING_KINDS,
  PageTitle,
  UNIT_KIND_LABELS,
  branchKeys,
  buildTree,
  showFieldErrors,
  useApiData,
  type AdminCategory,
  type AdminUnit,
  type CityLimit,
  type LimitUnit,
  type TreeNode,
} from '../../components/AdminCommon';

interface CategoryForm {
  defaultUnitCode: string | null;
  limitUnit: LimitUnit | 'none';
  amount: number | null;
  legalBasis: string;
}

const LIMIT_OPTIONS = [
  { value: 'none', label: '无法定时限（按诉求类型）' },
  { value: 'working_days', label: '个工作日' },
  { value: 'days', label: '日（自然日）' },
  { value: 'hours', label: '小时' },
];

function matches(c: AdminCategory, q: string): boolean {
  return c.name.includes(q) || c.code.toLowerCase().includes(q.toLowerCase()) || c.keywords.some((k) => k.includes(q)) || (c.defaultUnit?.name.includes(q) ?? false);
}

function filterTree(nodes: TreeNode<AdminCategory>[], keep: (c: AdminCategory) => boolean): TreeNode<AdminCategory>[] {
  return nodes.flatMap((n) => {
    const children = n.children ? filterTree(n.children, keep) : [];
    if ((!n.children && keep(n)) || children.length) return [{ ...n, children: children.length ? children : undefined }];
    return [];
  });
}

export default function CategoriesPage() {
  const { message } = App.useApp();
  const categories = useApiData<{ items: AdminCategory[] }>('/categories');
  const units = useApiData<{ items: AdminUnit[] }>('/units');
  const limits = useApiData<{ city: string; items: CityLimit[] }>('/limits');
  const [query, setQuery] = useState('');
  const [onlyLimited, setOnlyLimited] = useState(false);
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const [editing, setEditing] = useState<AdminCategory | null>(null);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<CategoryForm>();

  const items = categories.data?.items ?? [];
  const fullTree = useMemo(() => buildTree(items), [items]);
  const filtering = !!query.trim() || onlyLimited;
  const tree = useMemo(
    () => (filtering ? filterTree(fullTree, (c) => (!query.trim() || matches(c, query.trim())) && (!onlyLimited || !!c.limit)) : fullTree),
    [fullTree, filtering, query, onlyLimited],
  );
  const expandedKeys = filtering ? branchKeys(tree) : expanded ?? [];
  const withLimit = items.filter((c) => c.limit).length;

  const unitOptions = useMemo(() => {
    const handling = (units.data?.items ?? []).filter((u) => HANDLING_KINDS.has(u.kind));
    const groups = ['district', 'department', 'utility', 'subunit'];
    return groups.map((kind) => ({
      label: UNIT_KIND_LABELS[kind],
      options: handling.filter((u) => u.kind === kind).map((u) => ({ value: u.code, label: u.name })),
    }));
  }, [units.data]);

  const openEdit = (c: AdminCategory) => {
    setFormError(null);
    form.resetFields();
    form.setFieldsValue({ defaultUnitCode: c.defaultUnit?.code ?? null, limitUnit: c.limit?.unit ?? 'none', amount: c.limit?.amount ?? null, legalBasis: c.legalBasis ?? '' });
    setEditing(c);
  };

  const save = async () => {
    if (!editing) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    setSaving(true);
    setFormError(null);
    try {
      const replyLimit = v.limitUnit === 'none' ? null : { unit: v.limitUnit, amount: v.amount };
      const updated = await api<AdminCategory>(`/categories/${encodeURIComponent(editing.code)}`, {
        method: 'PUT',
        body: { defaultUnitCode: v.defaultUnitCode ?? null, replyLimit, legalBasis: v.limitUnit === 'none' ? null : v.legalBasis.trim() || null },
      });
      message.success(`已保存「${updated.name}」：${updated.replyLimit ? `法定时限 ${updated.replyLimit}` : '按诉求类型时限'}，新派工单生效`);
      setEditing(null);
      await categories.reload();
    } catch (err) {
      setFormError(showFieldErrors(form, err, { replyLimit: 'amount', 'replyLimit.amount': 'amount', 'replyLimit.unit': 'limitUnit', defaultUnitCode: 'defaultUnitCode' }));
    } finally {
      setSaving(false);
    }
  };

  const columns: ColumnsType<TreeNode<AdminCategory>> = [
    {
      title: '诉求分类',
      dataIndex: 'name',
      width: 230,
      render: (name: string, c) =>
        c.children ? (
          <Typography.Text strong>
            {name} <Typography.Text type="secondary">（{c.children.length}）</Typography.Text>
          </Typography.Text>
        ) : (
          <span>
            {name} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.code}</Typography.Text>
          </span>
        ),
    },
    { title: '默认承办单位', dataIndex: 'defaultUnit', width: 190, ellipsis: true, render: (u: AdminCategory['defaultUnit'], c) => (c.children ? null : u?.name ?? <Typography.Text type="secondary">按县（市）区兜底</Typography.Text>) },
    {
      title: '法定办理时限',
      dataIndex: 'replyLimit',
      width: 130,
      render: (limit: string | null, c) => (c.children ? null : limit ? <Tag color="volcano">{limit}</Tag> : <Typography.Text type="secondary">按诉求类型</Typography.Text>),
    },
    {
      title: '法定依据',
      dataIndex: 'legalBasis',
      ellipsis: { showTitle: false },
      render: (basis: string | null) =>
        basis ? (
          <Tooltip title={basis} placement="topLeft" overlayStyle={{ maxWidth: 480 }}>
            <span>{basis}</span>
          </Tooltip>
        ) : null,
    },
    {
      title: '关键词',
      dataIndex: 'keywords',
      width: 190,
      ellipsis: { showTitle: false },
      render: (keywords: string[]) => (
        <Tooltip title={keywords.join('、')} placement="topLeft">
          <span style={{ color: '#666' }}>
            {keywords.slice(0, 2).join('、')}
            {keywords.length > 2 ? ` 等${keywords.length}个` : ''}
          </span>
        </Tooltip>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 70,
      fixed: 'right',
      render: (_: unknown, c) =>
        c.children ? null : (
          <Button type="link" size="small" onClick={() => openEdit(c)}>
            编辑
          </Button>
        ),
    },
  ];

  // The default limits, grouped as the 管理办法 lists them.
  const limitGroups = useMemo(() => {
    const groups = new Map<string, CityLimit[]>();
    for (const l of limits.data?.items ?? []) groups.set(l.group, [...(groups.get(l.group) ?? []), l]);
    return [...groups.entries()];
  }, [limits.data]);

  return (
    <div>
      <PageTitle
        title="分类与时限"
        extra={
          <>
            <Input.Search allowClear placeholder="分类、关键词或单位" style={{ width: 220 }} onChange={(e) => setQuery(e.target.value)} />
            <Space size={4}>
              <Switch size="small" checked={onlyLimited} onChange={setOnlyLimited} />
              <span>只看有法定时限</span>
            </Space>
            <Button onClick={() => setExpanded(expandedKeys.length ? [] : branchKeys(fullTree))} disabled={filtering}>
              {expandedKeys.length ? '全部收起' : '全部展开'}
            </Button>
            <Button icon={<ReloadOutlined />} aria-label="刷新" onClick={() => categories.reload()} />
          </>
        }
      >
        法律法规对某类事项规定了办理时限的，以该时限为准，须注明依据（第十五条）；其余按诉求类型的默认时限。共 {items.filter((c) => c.parent).length} 个具体分类，{withLimit} 个有法定时限。
      </PageTitle>

      <Card size="small" title={`${limits.data?.city ?? ''}默认办理时限（《运行管理办法》）`} style={{ marginBottom: 12 }} data-testid="city-limits">
        {limits.error ? (
          <Alert type="error" message={limits.error} />
        ) : (
          <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
            {limitGroups.map(([group, list]) => (
              <div key={group} style={{ flex: list.length > 2 ? '2 1 300px' : '1 1 150px', border: '1px solid #f0f0f0', borderRadius: 6, padding: '6px 10px', background: '#fafafa' }}>
                <div style={{ fontSize: 12, color: '#8c8c8c', marginBottom: 2 }}>{group}</div>
                <div style={{ display: 'grid', gridTemplateColumns: list.length > 2 ? 'repeat(auto-fill, minmax(130px, 1fr))' : '1fr', columnGap: 16 }}>
                  {list.map((l) => (
                    <div key={l.key} style={{ display: 'flex', justifyContent: 'space-between', gap: 8, lineHeight: '22px' }} title={`${group} · ${l.label}`}>
                      <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>{l.label}</span>
                      <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
                        {l.text}
                      </Typography.Text>
                    </div>
                  ))}
                </div>
              </div>
            ))}
          </div>
        )}
      </Card>

      {categories.error && <Alert type="error" showIcon message={categories.error} style={{ marginBottom: 12 }} />}
      <div data-testid="categories-table">
        <Table<TreeNode<AdminCategory>>
          rowKey="code"
          size="small"
          loading={categories.loading}
          columns={columns}
          dataSource={tree}
          pagination={false}
          scroll={{ x: 1000 }}
          sticky
          expandable={{ expandedRowKeys: expandedKeys, onExpandedRowsChange: (keys) => setExpanded(keys as string[]), expandRowByClick: true }}
        />
      </div>

      <Modal
        open={editing !== null}
        title={`编辑分类：${editing?.name ?? ''}`}
        okText="保存"
        confirmLoading={saving}
        onOk={save}
        onCancel={() => setEditing(null)}
        width={600}
        forceRender
      >
        {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 12 }} />}
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          编码 {editing?.code}；关键词：{editing?.keywords.join('、') || '无'}。修改只对此后派出的工单生效，已派工单的期限不变。
        </Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="defaultUnitCode" label="默认承办单位" extra="不设置时按事项所在县（市）区派单">
            <Select allowClear showSearch optionFilterProp="label" options={unitOptions} placeholder="选择承办单位" />
          </Form.Item>
          <Form.Item label="法定办理时限" required={false} style={{ marginBottom: 0 }}>
            <Space.Compact block>
              <Form.Item noStyle dependencies={['limitUnit']}>
                {({ getFieldValue }) => (
                  <Form.Item
                    name="amount"
                    style={{ width: 120 }}
                    rules={[{ required: getFieldValue('limitUnit') !== 'none', message: '请填写时限数量' }]}
                  >
                    <InputNumber min={1} max={365} precision={0} placeholder="数量" disabled={getFieldValue('limitUnit') === 'none'} style={{ width: '100%' }} />
                  </Form.Item>
                )}
              </Form.Item>
              <Form.Item name="limitUnit" style={{ flex: 1 }}>
                <Select options={LIMIT_OPTIONS} />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
          <Form.Item noStyle dependencies={['limitUnit']}>
            {({ getFieldValue }) => {
              const limited = getFieldValue('limitUnit') !== 'none';
              return (
                <Form.Item
                  name="legalBasis"
                  label="法定依据"
                  extra={limited ? '法律、法规或规章的名称和条款，如《市场监督管理投诉举报处理暂行办法》第十五条' : '无法定时限时不需要依据'}
                  rules={[{ required: limited, whitespace: true, message: '设置法定办理时限须填写法定依据' }]}
                >
                  <Input.TextArea rows={4} maxLength={1000} showCount disabled={!limited} />
                </Form.Item>
              );
            }}
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
