// 单位管理: the organisation as a tree (code, name, kind, SMS duty phone), adding a unit under a parent
// and editing a unit's name, duty phone and whether it is active.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { mobileNumber, MOBILE_RULE } from '../../../../src/domain/mobile.ts';
import { api } from '../../api';
import {
  PageTitle,
  UNIT_KIND_COLORS,
  UNIT_KIND_LABELS,
  branchKeys,
  buildTree,
  showFieldErrors,
  useApiData,
  type AdminUnit,
  type TreeNode,
} from '../../components/AdminCommon';

interface UnitForm {
  code: string;
  name: string;
  kind: string;
  parentCode?: string;
  smsPhone?: string;
  active?: boolean;
}

const KIND_OPTIONS = Object.entries(UNIT_KIND_LABELS).map(([value, label]) => ({ value, label }));

/** The tree for a parent picker: active units only. */
function parentOptions(nodes: TreeNode<AdminUnit>[]): Array<{ value: string; title: string; children?: ReturnType<typeof parentOptions> }> {
  return nodes
    .filter((n) => n.active)
    .map((n) => ({ value: n.code, title: `${n.name}（${n.code}）`, children: n.children ? parentOptions(n.children) : undefined }));
}

function matches(unit: AdminUnit, q: string): boolean {
  return unit.name.includes(q) || unit.code.toLowerCase().includes(q.toLowerCase()) || (unit.smsPhone ?? '').includes(q);
}

/** Keeps the nodes that match and the ancestors leading to them. */
function filterTree(nodes: TreeNode<AdminUnit>[], q: string): TreeNode<AdminUnit>[] {
  return nodes.flatMap((n) => {
    const children = n.children ? filterTree(n.children, q) : [];
    if (matches(n, q) || children.length) return [{ ...n, children: children.length ? children : undefined }];
    return [];
  });
}

export default function UnitsPage() {
  const { message } = App.useApp();
  const units = useApiData<{ items: AdminUnit[] }>('/units?includeInactive=true');
  const [query, setQuery] = useState('');
  const [showInactive, setShowInactive] = useState(true);
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const [editing, setEditing] = useState<AdminUnit | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<UnitForm>();

  const all = units.data?.items ?? [];
  const byCode = useMemo(() => new Map(all.map((u) => [u.code, u])), [all]);
  const fullTree = useMemo(() => buildTree(all), [all]);
  const tree = useMemo(() => {
    const visible = showInactive ? fullTree : buildTree(all.filter((u) => u.active));
    return query.trim() ? filterTree(visible, query.trim()) : visible;
  }, [all, fullTree, showInactive, query]);
  const expandedKeys = query.trim() ? branchKeys(tree) : expanded ?? branchKeys(fullTree);

  const openNew = (parent?: AdminUnit) => {
    setFormError(null);
    form.resetFields();
    form.setFieldsValue({ code: parent ? `${parent.code}-` : '', name: '', kind: parent ? 'subunit' : 'department', parentCode: parent?.code, smsPhone: '' });
    setEditing('new');
  };
  const openEdit = (unit: AdminUnit) => {
    setFormError(null);
    form.resetFields();
    form.setFieldsValue({ code: unit.code, name: unit.name, kind: unit.kind, parentCode: unit.parent ?? undefined, smsPhone: unit.smsPhone ?? '', active: unit.active });
    setEditing(unit);
  };

  const save = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return; // the form shows what is missing
    setSaving(true);
    setFormError(null);
    try {
      if (editing === 'new') {
        const created = await api<AdminUnit>('/units', {
          method: 'POST',
          body: { code: values.code.trim(), name: values.name.trim(), kind: values.kind, parentCode: values.parentCode || null, smsPhone: values.smsPhone?.trim() || null },
        });
        message.success(`已新增单位「${created.name}」`);
        if (created.parent && expanded) setExpanded([...new Set([...expanded, created.parent])]);
      } else if (editing) {
        const updated = await api<AdminUnit>(`/units/${encodeURIComponent(editing.code)}`, {
          method: 'PUT',
          body: { name: values.name.trim(), smsPhone: values.smsPhone?.trim() || null, active: values.active },
        });
        message.success(`已保存「${updated.name}」${updated.active === editing.active ? '' : updated.active ? '，已启用' : '，已停用'}`);
      }
      setEditing(null);
      await units.reload();
    } catch (err) {
      setFormError(showFieldErrors(form, err));
    } finally {
      setSaving(false);
    }
  };

  const columns: ColumnsType<TreeNode<AdminUnit>> = [
    {
      title: '单位名称',
      dataIndex: 'name',
      render: (name: string, u) => (
        <span style={{ color: u.active ? undefined : '#999' }}>
          {name}
          {!u.active && (
            <Tag style={{ marginLeft: 6 }} color="default">
              已停用
            </Tag>
          )}
        </span>
      ),
    },
    { title: '编码', dataIndex: 'code', width: 130, render: (code: string) => <Typography.Text code>{code}</Typography.Text> },
    {
      title: '类型',
      dataIndex: 'kind',
      width: 140,
      render: (kind: string) => <Tag color={UNIT_KIND_COLORS[kind]}>{UNIT_KIND_LABELS[kind] ?? kind}</Tag>,
    },
    { title: '短信值班电话', dataIndex: 'smsPhone', width: 140, render: (p: string | null) => p ?? <Typography.Text type="secondary">未设置</Typography.Text> },
    {
      title: '操作',
      key: 'actions',
      width: 150,
      render: (_: unknown, u) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => openEdit(u)}>
            编辑
          </Button>
          {u.active && (
            <Button type="link" size="small" onClick={() => openNew(u)}>
              添加下级
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const activeCount = all.filter((u) => u.active).length;
  const parentName = editing && editing !== 'new' && editing.parent ? byCode.get(editing.parent)?.name : undefined;

  return (
    <div>
      <PageTitle
        title="单位管理"
        extra={
          <>
            <Input.Search allowClear placeholder="按名称、编码或电话查找" style={{ width: 220 }} onChange={(e) => setQuery(e.target.value)} />
            <Space size={4}>
              <Switch size="small" checked={showInactive} onChange={setShowInactive} />
              <span>显示已停用</span>
            </Space>
            <Button icon={<ReloadOutlined />} onClick={() => units.reload()} aria-label="刷新" />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => openNew()}>
              新增单位
            </Button>
          </>
        }
      >
        共 {all.length} 个单位，启用 {activeCount} 个。下级承办单位（第九条）挂在其上级单位之下，上级单位的用户可看到转交给下级的工单。
      </PageTitle>
      {units.error && <Alert type="error" showIcon message={units.error} style={{ marginBottom: 12 }} />}
      <div data-testid="units-tree">
        <Table<TreeNode<AdminUnit>>
          rowKey="code"
          size="small"
          loading={units.loading}
          columns={columns}
          dataSource={tree}
          pagination={false}
          scroll={{ x: 760 }}
          sticky
          expandable={{
            expandedRowKeys: expandedKeys,
            onExpandedRowsChange: (keys) => setExpanded(keys as string[]),
          }}
        />
      </div>

      <Modal
        open={editing !== null}
        title={editing === 'new' ? '新增单位' : `编辑单位：${editing?.name ?? ''}`}
        okText="保存"
        confirmLoading={saving}
        onOk={save}
        onCancel={() => setEditing(null)}
        forceRender
      >
        {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item
            name="code"
            label="单位编码"
            extra={editing === 'new' ? '大写字母、数字和连字符，2–20 位；建成后不可修改，如 ZJJ-WYK' : undefined}
            rules={[
              { required: true, message: '请填写单位编码' },
              { pattern: /^[A-Z0-9-]{2,20}$/, message: '只能包含大写字母、数字和连字符，2–20 位' },
            ]}
            normalize={(v: string) => v?.toUpperCase()}
          >
            <Input disabled={editing !== 'new'} maxLength={20} />
          </Form.Item>
          <Form.Item name="name" label="单位名称" rules={[{ required: true, whitespace: true, message: '请填写单位名称' }]}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="kind" label="单位类型" rules={[{ required: true, message: '请选择单位类型' }]}>
            <Select options={KIND_OPTIONS} disabled={editing !== 'new'} />
          </Form.Item>
          {editing === 'new' ? (
            <Form.Item noStyle dependencies={['kind']}>
              {({ getFieldValue }) => (
                <Form.Item
                  name="parentCode"
                  label="上级单位"
                  rules={[{ required: getFieldValue('kind') === 'subunit', message: '下级承办单位须指定上级单位' }]}
                  extra="不选则为顶级单位"
                >
                  <TreeSelect
                    allowClear
                    showSearch
                    treeNodeFilterProp="title"
                    treeData={parentOptions(fullTree)}
                    placeholder="选择上级单位"
                    popupMatchSelectWidth={false}
                  />
                </Form.Item>
              )}
            </Form.Item>
          ) : (
            <Form.Item label="上级单位">
              <Typography.Text>{parentName ?? '无（顶级单位）'}</Typography.Text>
            </Form.Item>
          )}
          <Form.Item
            name="smsPhone"
            label="短信值班电话"
            extra="派单短信发往此号码（单位值班手机，不是个人号码；座机收不到短信）"
            rules={[{ validator: async (_, v?: string) => { if (v?.trim() && !mobileNumber(v)) throw new Error(`须为${MOBILE_RULE}，座机无法接收短信`); } }]}
          >
            <Input maxLength={20} placeholder="13948612345" />
          </Form.Item>
          {editing !== 'new' && (
            <Form.Item name="active" label="启用" valuePropName="checked" extra="仍有未完成办理职责、启用的下级单位、用户或作为分类默认单位的单位不能停用">
              <Switch checkedChildren="启用" unCheckedChildren="停用" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  );
}
