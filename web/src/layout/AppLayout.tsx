// The frame: a menu of what the role may open, the user and logout. On a phone the menu folds away.
import { useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Button, Drawer, Grid, Layout, Menu, Space } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { useAuth } from '../auth';
import type { Role } from '../types';
import { KB_TODO_ROLES } from '../components/KbMeta';
import { SupervisionBell } from '../components/SupervisionBell';
import { SeatBar } from '../components/SeatBar';

const { Header, Sider, Content } = Layout;

interface Item {
  path: string;
  label: string;
  roles?: Role[];
}

const ITEMS: Item[] = [
  { path: '/intake', label: '受理台', roles: ['agent', 'team_lead', 'centre', 'admin'] },
  { path: '/workbench', label: '工作台' },
  { path: '/tickets', label: '工单列表' },
  { path: '/callback', label: '回访台', roles: ['centre', 'team_lead', 'admin'] },
  { path: '/calls/missed', label: '漏接回拨', roles: ['agent', 'team_lead', 'centre', 'admin'] },
  { path: '/calls/messages', label: '短信/网络留言', roles: ['agent', 'team_lead', 'centre', 'admin'] },
  { path: '/calls/wall', label: '坐席监控', roles: ['team_lead', 'centre', 'admin'] },
  { path: '/calls/stats', label: '话务统计', roles: ['team_lead', 'centre', 'authority', 'admin'] },
  { path: '/calls/restrictions', label: '限制呼入', roles: ['team_lead', 'centre', 'admin'] },
  { path: '/kb', label: '知识库' },
  { path: '/kb/todo', label: '知识库待办', roles: KB_TODO_ROLES },
  { path: '/evaluation', label: '月度考核', roles: ['authority', 'centre', 'admin', 'unit_staff', 'unit_head'] },
  { path: '/quality/review', label: '质效审核', roles: ['centre', 'team_lead', 'admin'] },
  { path: '/quality/agents', label: '智能质检', roles: ['agent', 'team_lead', 'centre', 'admin'] },
  { path: '/ratings', label: '差评处理', roles: ['centre', 'team_lead', 'authority', 'admin', 'unit_staff', 'unit_head'] },
  { path: '/supervision', label: '效能监察', roles: ['centre', 'team_lead', 'authority', 'admin'] },
  { path: '/supervision/items', label: '督办', roles: ['centre', 'team_lead', 'authority', 'admin', 'unit_staff', 'unit_head'] },
  { path: '/reports', label: '统计报表', roles: ['centre', 'authority', 'admin', 'unit_staff', 'unit_head'] },
  { path: '/admin/units', label: '单位管理', roles: ['admin'] },
  { path: '/admin/users', label: '用户与角色', roles: ['admin'] },
  { path: '/admin/categories', label: '分类与时限', roles: ['admin'] },
  { path: '/admin/calendar', label: '工作日历', roles: ['admin'] },
];

export function AppLayout({ children }: { children: ReactNode }) {
  const { user, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [drawer, setDrawer] = useState(false);
  const narrow = !screens.md;
  const items = ITEMS.filter((i) => !i.roles || (user && i.roles.includes(user.role)));
  // The longest matching path wins, so /kb/todo selects 知识库待办 rather than 知识库.
  const selected = items
    .filter((i) => location.pathname === i.path || location.pathname.startsWith(`${i.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0]?.path;
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      items={items.map((i) => ({ key: i.path, label: <Link to={i.path}>{i.label}</Link> }))}
      onClick={() => setDrawer(false)}
    />
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow && (
        <Sider width={180} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
          <div style={{ padding: '16px 20px', fontWeight: 600, color: '#1f5fbf' }}>12345 热线平台</div>
          {menu}
        </Sider>
      )}
      <Layout>
        <Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0' }}>
          <Space>
            {narrow && <Button icon={<MenuOutlined />} aria-label="菜单" onClick={() => setDrawer(true)} />}
            {narrow && <span style={{ fontWeight: 600, color: '#1f5fbf' }}>12345</span>}
            <SeatBar />
          </Space>
          <Space size="middle" wrap={false}>
            <SupervisionBell />
            <span
              data-testid="current-user"
              title={`${user?.displayName}（${user?.roleLabel}${user?.unit ? ` · ${user.unit.name}` : ''}）`}
              style={{ display: 'inline-block', maxWidth: narrow ? 150 : 520, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', verticalAlign: 'middle', lineHeight: 1.5 }}
            >
              {user?.displayName}
              {narrow ? '' : `（${user?.roleLabel}${user?.unit ? ` · ${user.unit.name}` : ''}）`}
            </span>
            <Button
              size="small"
              onClick={async () => {
                await logout();
                navigate('/login');
              }}
            >
              退出
            </Button>
          </Space>
        </Header>
        <Content style={{ padding: narrow ? 8 : 16 }}>{children}</Content>
      </Layout>
      <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" width={220} title="12345 热线平台">
        {menu}
      </Drawer>
    </Layout>
  );
}
