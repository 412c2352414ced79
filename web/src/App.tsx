// Routes and the frame around every page. Pages load on demand, so the login page stays small.
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Spin } from 'antd';
import { useAuth } from './auth';
import { HOME_OF } from './labels';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { KB_TODO_ROLES, KB_WRITERS } from './components/KbMeta';
import type { Role } from './types';

const IntakePage = lazy(() => import('./pages/IntakePage'));
const WorkbenchPage = lazy(() => import('./pages/WorkbenchPage'));
const TicketListPage = lazy(() => import('./pages/TicketListPage'));
const TicketDetailPage = lazy(() => import('./pages/TicketDetailPage'));
const CallbackPage = lazy(() => import('./pages/CallbackPage'));
const UnitsPage = lazy(() => import('./pages/admin/UnitsPage'));
const UsersPage = lazy(() => import('./pages/admin/UsersPage'));
const CategoriesPage = lazy(() => import('./pages/admin/CategoriesPage'));
const CalendarPage = lazy(() => import('./pages/admin/CalendarPage'));
const ReportsPage = lazy(() => import('./pages/reports/ReportsPage'));
const SupervisionBoardPage = lazy(() => import('./pages/SupervisionBoardPage'));
const SupervisionItemsPage = lazy(() => import('./pages/SupervisionItemsPage'));
const EvaluationPage = lazy(() => import('./pages/EvaluationPage'));
const QualityReviewPage = lazy(() => import('./pages/quality/QualityReviewPage'));
const AgentQcPage = lazy(() => import('./pages/quality/AgentQcPage'));
const RatingsPage = lazy(() => import('./pages/ratings/RatingsPage'));
const KbSearchPage = lazy(() => import('./pages/kb/KbSearchPage'));
const KbArticlePage = lazy(() => import('./pages/kb/KbArticlePage'));
const KbArticleNewPage = lazy(() => import('./pages/kb/KbArticleForm'));
const KbTodoPage = lazy(() => import('./pages/kb/KbTodoPage'));
const CallWallPage = lazy(() => import('./pages/calls/CallWallPage'));
const CallStatsPage = lazy(() => import('./pages/calls/CallStatsPage'));
const MissedCallsPage = lazy(() => import('./pages/calls/MissedCallsPage'));
const MessagesPage = lazy(() => import('./pages/calls/MessagesPage'));
const RestrictionsPage = lazy(() => import('./pages/calls/RestrictionsPage'));

const INTAKE_ROLES: Role[] = ['agent', 'team_lead', 'centre', 'admin'];
const CENTRE_ROLES: Role[] = ['centre', 'team_lead', 'admin'];

function Guard({ roles, children }: { roles?: Role[]; children: JSX.Element }) {
  const { user } = useAuth();
  if (!user) return <Navigate to="/login" replace />;
  if (roles && !roles.includes(user.role)) return <Navigate to={HOME_OF[user.role]} replace />;
  return children;
}

export function App() {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Spin fullscreen />;
  if (!user) {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname + location.search }} />} />
      </Routes>
    );
  }
  return (
    <AppLayout>
      <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
        <Routes>
          <Route path="/login" element={<Navigate to={HOME_OF[user.role]} replace />} />
          <Route path="/" element={<Navigate to={HOME_OF[user.role]} replace />} />
          <Route path="/intake" element={<Guard roles={INTAKE_ROLES}><IntakePage /></Guard>} />
          <Route path="/workbench" element={<Guard><WorkbenchPage /></Guard>} />
          <Route path="/tickets" element={<Guard><TicketListPage /></Guard>} />
          <Route path="/tickets/:no" element={<Guard><TicketDetailPage /></Guard>} />
          <Route path="/callback" element={<Guard roles={CENTRE_ROLES}><CallbackPage /></Guard>} />
          <Route path="/kb" element={<Guard><KbSearchPage /></Guard>} />
          <Route path="/kb/todo" element={<Guard roles={KB_TODO_ROLES}><KbTodoPage /></Guard>} />
          <Route path="/kb/articles/new" element={<Guard roles={KB_WRITERS}><KbArticleNewPage /></Guard>} />
          <Route path="/kb/articles/:id" element={<Guard><KbArticlePage /></Guard>} />
          <Route path="/evaluation" element={<Guard><EvaluationPage /></Guard>} />
          <Route path="/quality/review" element={<Guard roles={['centre', 'team_lead', 'admin']}><QualityReviewPage /></Guard>} />
          <Route path="/quality/agents" element={<Guard roles={['agent', 'team_lead', 'centre', 'admin']}><AgentQcPage /></Guard>} />
          <Route path="/ratings" element={<Guard roles={['centre', 'team_lead', 'authority', 'admin', 'unit_staff', 'unit_head']}><RatingsPage /></Guard>} />
          <Route path="/supervision" element={<Guard roles={['centre', 'team_lead', 'authority', 'admin']}><SupervisionBoardPage /></Guard>} />
          <Route path="/supervision/items" element={<Guard roles={['centre', 'team_lead', 'authority', 'admin', 'unit_staff', 'unit_head']}><SupervisionItemsPage /></Guard>} />
          <Route path="/reports" element={<Guard roles={['centre', 'authority', 'admin', 'unit_staff', 'unit_head']}><ReportsPage /></Guard>} />
          <Route path="/calls/wall" element={<Guard roles={['team_lead', 'centre', 'admin']}><CallWallPage /></Guard>} />
          <Route path="/calls/stats" element={<Guard roles={['team_lead', 'centre', 'authority', 'admin']}><CallStatsPage /></Guard>} />
          <Route path="/calls/missed" element={<Guard roles={['agent', 'team_lead', 'centre', 'admin']}><MissedCallsPage /></Guard>} />
          <Route path="/calls/messages" element={<Guard roles={['agent', 'team_lead', 'centre', 'admin']}><MessagesPage /></Guard>} />
          <Route path="/calls/restrictions" element={<Guard roles={['team_lead', 'centre', 'admin']}><RestrictionsPage /></Guard>} />
          <Route path="/admin/units" element={<Guard roles={['admin']}><UnitsPage /></Guard>} />
          <Route path="/admin/users" element={<Guard roles={['admin']}><UsersPage /></Guard>} />
          <Route path="/admin/categories" element={<Guard roles={['admin']}><CategoriesPage /></Guard>} />
          <Route path="/admin/calendar" element={<Guard roles={['admin']}><CalendarPage /></Guard>} />
          <Route path="*" element={<Navigate to={HOME_OF[user.role]} replace />} />
        </Routes>
      </Suspense>
    </AppLayout>
  );
}
