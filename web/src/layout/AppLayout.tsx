// The frame: a menu of what the role may open, in groups, the user and logout; the list shortcuts. On a phone the menu folds away.
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Button, Drawer, Grid, Layout, Menu, Space } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { useAuth } from '../auth';
import { GROUPS, mayOpen, PAGES, type PageAccess } from '../access';
import { ShortcutHelp, useListShortcuts } from '../components/ListShortcuts';
import { SupervisionBell } from '../components/SupervisionBell';
import { SeatBar } from '../components/SeatBar';

const { Header, Sider, Content } = Layout;

export function AppLayout({ children }: { children: ReactNode }) {
  const { user, logout, routes } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [drawer, setDrawer] = useState(false);
  const narrow = !screens.md;
  const items = PAGES.filter((p) => p.label && user && mayOpen(p, user.role, routes ?? new Set())) as Array<PageAccess & { label: string }>;
  // The longest matching path wins, so /kb/todo selects 知识库待办 rather than 知识库.
  const selectedPage = items
    .filter((i) => location.pathname === i.path || location.pathname.startsWith(`${i.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  const selected = selectedPage?.path;
  // Entries by group; a group holding one entry for this role is that entry alone.
  const grouped = GROUPS.map((g) => ({ group: g, entries: items.filter((i) => i.group === g) })).filter((g) => g.entries.length);
  // Every group starts open; a user folds away the ones not needed, and the current page's group reopens.
  const [openGroups, setOpenGroups] = useState<string[]>(() => [...GROUPS]);
  useEffect(() => {
    if (selectedPage?.group) setOpenGroups((open) => (open.includes(selectedPage.group!) ? open : [...open, selectedPage.group!]));
  }, [selectedPage?.group]);
  const [help, setHelp] = useListShortcuts();
  const entry = (i: { path: string; label: string }) => ({ key: i.path, label: <Link to={i.path}>{i.label}</Link> });
  const menu = (
    <Menu
      mode="inline"
      data-testid="main-menu"
      forceSubMenuRender
      selectedKeys={selected ? [selected] : []}
      openKeys={openGroups}
      onOpenChange={(keys) => setOpenGroups(keys as string[])}
      items={grouped.map((g) => (g.entries.length === 1 ? entry(g.entries[0]!) : { key: g.group, label: g.group, children: g.entries.map(entry) }))}
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
            <Button size="small" type="text" aria-label="键盘快捷键" title="键盘快捷键（?）" data-testid="shortcut-button" onClick={() => setHelp(true)}>
              ?
            </Button>
            <Link to="/account/security" data-testid="account-security">
              账户安全
            </Link>
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
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
      <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" width={220} title="12345 热线平台">
        {menu}
      </Drawer>
    </Layout>
  );
}
