// 用户与角色: every user with role, unit and whether two-step login is on; create, change role /
// unit / name, deactivate or reactivate (which ends their sessions), reset a password, end all of a
// user's sessions (强制退出), reset their two-step login (重置两步验证, for a lost phone). An admin
// cannot demote, stop or reset the two-step login of themself.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, TreeSelect, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api';
import { useAuth } from '../../auth';
import { ROLE_LABELS } from '../../labels';
import type { Role } from '../../types';
import { PageTitle, buildTree, errorText, showFieldErrors, useApiData, type AdminUnit, type AdminUser, type TreeNode } from '../../components/AdminCommon';

const UNIT_ROLES = new Set<string>(['unit_staff', 'unit_head']);
const ROLE_COLORS: Record<string, string> = {
  agent: 'blue',
  team_lead: 'cyan',
  centre: 'geekblue',
  authority: 'purple',
  unit_staff: 'green',
  unit_head: 'orange',
  admin: 'red',
};
const ROLE_OPTIONS = (Object.keys(ROLE_LABELS) as Role[]).map((r) => ({ value: r, label: ROLE_LABELS[r] }));

/** A row of GET /users: the admin list also says whether the user's two-step login is on. */
type UserRow = AdminUser & { totpEnabled?: boolean };

interface UserForm {
  username: string;
  displayName: string;
  password?: string;
  role: Role;
  unitCode?: string | null;
}

function unitTreeData(nodes: TreeNode<AdminUnit>[]): Array<{ value: string; title: string; children?: ReturnType<typeof unitTreeData> }> {
  return nodes.map((n) => ({ value: n.code, title: n.name, children: n.children ? unitTreeData(n.children) : undefined }));
}

export default function UsersPage() {
  const { message } = App.useApp();
  const { user: me } = useAuth();
  const users = useApiData<{ items: UserRow[] }>('/users');
  const units = useApiData<{ items: AdminUnit[] }>('/units');
  const [query, setQuery] = useState('');
  const [role, setRole] = useState<string | undefined>();
  const [unitFilter, setUnitFilter] = useState<string | undefined>();
  const [showInactive, setShowInactive] = useState(true);
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [form] = Form.useForm<UserForm>();
  const [pwForm] = Form.useForm<{ password: string; confirm: string }>();

  const unitByCode = useMemo(() => new Map((units.data?.items ?? []).map((u) => [u.code, u])), [units.data]);
  const unitTree = useMemo(() => unitTreeData(buildTree(units.data?.items ?? [])), [units.data]);
  const rows = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (users.data?.items ?? []).filter(
      (u) =>
        (showInactive || u.active) &&
        (!role || u.role === role) &&
        (!unitFilter || u.unit === unitFilter) &&
        (!q || u.username.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q) || (u.unit && unitByCode.get(u.unit)?.name.includes(query.trim()))),
    );
  }, [users.data, query, role, unitFilter, showInactive, unitByCode]);

  const openNew = () => {
    setFormError(null);
    form.resetFields();
    form.setFieldsValue({ role: 'agent', unitCode: null });
    setEditing('new');
  };
  const openEdit = (u: AdminUser) => {
    setFormError(null);
    form.resetFields();
    form.setFieldsValue({ username: u.username, displayName: u.displayName, role: u.role as Role, unitCode: u.unit });
    setEditing(u);
  };

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    setBusy(true);
    setFormError(null);
    try {
      if (editing === 'new') {
        await api('/users', {
          method: 'POST',
          body: { username: v.username.trim(), password: v.password, role: v.role, displayName: v.displayName.trim(), ...(v.unitCode ? { unitCode: v.unitCode } : {}) },
        });
        message.success(`已创建用户 ${v.username}`);
      } else if (editing) {
        await api(`/users/${encodeURIComponent(editing.username)}`, { method: 'PUT', body: { role: v.role, unitCode: v.unitCode ?? null, displayName: v.displayName.trim() } });
        message.success(`已保存 ${editing.username}`);
      }
      setEditing(null);
      await users.reload();
    } catch (err) {
      setFormError(showFieldErrors(form, err, { unit: 'unitCode' }));
    } finally {
      setBusy(false);
    }
  };

  const setActive = async (u: AdminUser, active: boolean) => {
    try {
      const res = await api<AdminUser>(`/users/${encodeURIComponent(u.username)}`, { method: 'PUT', body: { active } });
      message.success(active ? `已启用 ${u.username}` : `已停用 ${u.username}${res.revokedSessions ? `，${res.revokedSessions} 个登录会话已失效` : ''}`);
      await users.reload();
    } catch (err) {
      message.error(errorText(err));
    }
  };

  const revokeSessions = async (u: UserRow) => {
    try {
      const res = await api<{ revokedSessions: number }>('/auth/admin/revoke-sessions', { body: { username: u.username } });
      message.success(res.revokedSessions ? `已强制退出 ${u.username}，${res.revokedSessions} 个登录会话已失效` : `${u.username} 没有需要结束的登录会话`);
    } catch (err) {
      message.error(errorText(err));
    }
  };

  const resetTotp = async (u: UserRow) => {
    try {
      const res = await api<{ revokedSessions: number }>('/auth/admin/reset-totp', { body: { username: u.username } });
      message.success(`已重置 ${u.username} 的两步验证${res.revokedSessions ? `，其 ${res.revokedSessions} 个登录会话已失效` : ''}`);
      await users.reload();
    } catch (err) {
      message.error(errorText(err));
    }
  };

  const resetPassword = async () => {
    if (!resetting) return;
    const v = await pwForm.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    setBusy(true);
    try {
      const res = await api<{ revokedSessions: number }>(`/users/${encodeURIComponent(resetting.username)}/password`, { method: 'POST', body: { password: v.password } });
      message.success(`已重置 ${resetting.username} 的密码${res.revokedSessions ? `，其 ${res.revokedSessions} 个登录会话已失效` : ''}`);
      setResetting(null);
    } catch (err) {
      message.error(showFieldErrors(pwForm, err));
    } finally {
      setBusy(false);
    }
  };

  const columns: ColumnsType<UserRow> = [
    {
      title: '用户名',
      dataIndex: 'username',
      width: 150,
      sorter: (a, b) => a.username.localeCompare(b.username),
      render: (name: string, u) => (
        <Typography.Text delete={!u.active} type={u.active ? undefined : 'secondary'}>
          {name}
          {name === me?.username && <Tag style={{ marginLeft: 6 }}>本人</Tag>}
        </Typography.Text>
      ),
    },
    { title: '姓名', dataIndex: 'displayName', width: 150, ellipsis: true },
    {
      title: '角色',
      dataIndex: 'role',
      width: 150,
      render: (r: string) => <Tag color={ROLE_COLORS[r]}>{ROLE_LABELS[r as Role] ?? r}</Tag>,
    },
    {
      title: '所属单位',
      dataIndex: 'unit',
      ellipsis: true,
      render: (code: string | null) => (code ? unitByCode.get(code)?.name ?? code : <Typography.Text type="secondary">—</Typography.Text>),
    },
    {
      title: '状态',
      dataIndex: 'active',
      width: 80,
      render: (active: boolean) => (active ? <Tag color="success">启用</Tag> : <Tag>已停用</Tag>),
    },
    {
      title: '两步验证',
      dataIndex: 'totpEnabled',
      width: 90,
      render: (on: boolean | undefined, u) => (
        <span data-testid={`totp-${u.username}`}>{on ? <Tag color="blue">已启用</Tag> : <Typography.Text type="secondary">未启用</Typography.Text>}</span>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 360,
      render: (_: unknown, u) => {
        const self = u.username === me?.username;
        return (
          <Space size={0} wrap>
            <Button type="link" size="small" onClick={() => openEdit(u)}>
              编辑
            </Button>
            <Button
              type="link"
              size="small"
              onClick={() => {
                pwForm.resetFields();
                setResetting(u);
              }}
            >
              重置密码
            </Button>
            {/* A deactivated user has no sessions left: deactivation ended them and login is refused. */}
            {u.active && (
              <Popconfirm
                title={`强制退出 ${u.username}？`}
                description={self ? '您在其他设备和浏览器上的登录会话将全部失效；当前会话保留。' : '该用户所有已登录的会话立即失效，须重新登录（账号不受影响）。'}
                okText="强制退出"
                okButtonProps={{ danger: true }}
                onConfirm={() => revokeSessions(u)}
              >
                <Button type="link" size="small" data-testid={`revoke-sessions-${u.username}`}>
                  强制退出
                </Button>
              </Popconfirm>
            )}
            {u.totpEnabled && !self && (
              <Popconfirm
                title={`重置 ${u.username} 的两步验证？`}
                description={
                  <div style={{ maxWidth: 320 }}>
                    该用户的两步验证密钥和恢复码将被删除，其所有登录会话立即失效。之后凭密码即可登录；如系统要求该角色使用两步验证，须在下次登录时重新绑定。
                  </div>
                }
                okText="重置"
                okButtonProps={{ danger: true }}
                onConfirm={() => resetTotp(u)}
              >
                <Button type="link" size="small" danger data-testid={`reset-totp-${u.username}`}>
                  重置两步验证
                </Button>
              </Popconfirm>
            )}
            {u.active ? (
              <Popconfirm
                title={`停用 ${u.username}？`}
                description="停用后该用户立即退出登录，且不能再登录。"
                okText="停用"
                okButtonProps={{ danger: true }}
                onConfirm={() => setActive(u, false)}
                disabled={self}
              >
                <Button type="link" size="small" danger disabled={self} title={self ? '不能停用自己的账号' : undefined}>
                  停用
                </Button>
              </Popconfirm>
            ) : (
              <Button type="link" size="small" onClick={() => setActive(u, true)}>
                启用
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  const editingSelf = editing !== null && editing !== 'new' && editing.username === me?.username;

  return (
    <div>
      <PageTitle
        title="用户与角色"
        extra={
          <>
            <Input.Search allowClear placeholder="用户名、姓名或单位" style={{ width: 200 }} onChange={(e) => setQuery(e.target.value)} />
            <Select allowClear placeholder="角色" style={{ width: 150 }} options={ROLE_OPTIONS} value={role} onChange={setRole} />
            <TreeSelect
              allowClear
              showSearch
              treeNodeFilterProp="title"
              placeholder="所属单位"
              style={{ width: 200 }}
              treeData={unitTree}
              value={unitFilter}
              onChange={setUnitFilter}
              popupMatchSelectWidth={false}
            />
            <Space size={4}>
              <Switch size="small" checked={showInactive} onChange={setShowInactive} />
              <span>显示已停用</span>
            </Space>
            <Button icon={<ReloadOutlined />} aria-label="刷新" onClick={() => users.reload()} />
            <Button type="primary" icon={<PlusOutlined />} onClick={openNew}>
              新建用户
            </Button>
          </>
        }
      >
        承办单位工作人员和负责人须指定所属单位，只能看到本单位及下级单位的工单。停用用户、重置密码、强制退出或重置两步验证都会使其已登录的会话失效。
      </PageTitle>
      {users.error && <Alert type="error" showIcon message={users.error} style={{ marginBottom: 12 }} />}
      <div data-testid="users-table">
        <Table<UserRow>
          rowKey="username"
          size="small"
          loading={users.loading}
          columns={columns}
          dataSource={rows}
          scroll={{ x: 1140 }}
          pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => `共 ${n} 个用户` }}
        />
      </div>

      <Modal
        open={editing !== null}
        title={editing === 'new' ? '新建用户' : `编辑用户：${editing?.username ?? ''}`}
        okText="保存"
        confirmLoading={busy}
        onOk={save}
        onCancel={() => setEditing(null)}
        forceRender
      >
        {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item
            name="username"
            label="用户名"
            rules={[
              { required: true, message: '请填写用户名' },
              { pattern: /^[a-z0-9._-]{2,64}$/i, message: '只能包含字母、数字、点、下划线和连字符（2–64 位）' },
            ]}
          >
            <Input disabled={editing !== 'new'} autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label="姓名" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
            <Input maxLength={40} />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item name="password" label="初始密码" rules={[{ required: true, message: '请填写初始密码' }]}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
          <Form.Item name="role" label="角色" rules={[{ required: true, message: '请选择角色' }]} extra={editingSelf ? '不能更改自己的角色' : undefined}>
            <Select options={ROLE_OPTIONS} disabled={editingSelf} />
          </Form.Item>
          <Form.Item noStyle dependencies={['role']}>
            {({ getFieldValue }) => {
              const needsUnit = UNIT_ROLES.has(getFieldValue('role'));
              return (
                <Form.Item
                  name="unitCode"
                  label="所属单位"
                  rules={[{ required: needsUnit, message: '承办单位角色须指定所属单位' }]}
                  extra={needsUnit ? '只能看到该单位及其下级单位的工单' : '可不填'}
                >
                  <TreeSelect allowClear showSearch treeNodeFilterProp="title" treeData={unitTree} placeholder="选择单位" popupMatchSelectWidth={false} />
                </Form.Item>
              );
            }}
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={resetting !== null}
        title={`重置密码：${resetting?.username ?? ''}`}
        okText="重置"
        confirmLoading={busy}
        onOk={resetPassword}
        onCancel={() => setResetting(null)}
        forceRender
      >
        <Typography.Paragraph type="secondary">新密码生效后，该用户其他已登录的会话将失效，需要用新密码重新登录。</Typography.Paragraph>
        <Form form={pwForm} layout="vertical">
          <Form.Item name="password" label="新密码" rules={[{ required: true, message: '请填写新密码' }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label="再次输入"
            dependencies={['password']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({ validator: (_, v) => (v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error('两次输入的密码不一致'))) }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
