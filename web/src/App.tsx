// Routes and the frame around every page. Pages load on demand, so the login page stays small.
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Button, Result, Spin } from 'antd';
import { useAuth } from './auth';
import { HOME_OF } from './labels';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { ForcedPasswordPage } from './pages/account/ForcedPasswordPage';
import { mayOpen, pageAccess, pageTitle } from './access';

const IntakePage = lazy(() => import('./pages/IntakePage'));
const WorkbenchPage = lazy(() => import('./pages/WorkbenchPage'));
const TicketListPage = lazy(() => import('./pages/TicketListPage'));
const TicketDetailPage = lazy(() => import('./pages/TicketDetailPage'));
const CallbackPage = lazy(() => import('./pages/CallbackPage'));
const DuplicateGroupsPage = lazy(() => import('./pages/DuplicateGroupsPage'));
const UnitsPage = lazy(() => import('./pages/admin/UnitsPage'));
const UsersPage = lazy(() => import('./pages/admin/UsersPage'));
const CategoriesPage = lazy(() => import('./pages/admin/CategoriesPage'));
const CalendarPage = lazy(() => import('./pages/admin/CalendarPage'));
const ApiKeysPage = lazy(() => import('./pages/admin/ApiKeysPage'));
const WebhooksPage = lazy(() => import('./pages/admin/WebhooksPage'));
const SmsOptOutsPage = lazy(() => import('./pages/admin/SmsOptOutsPage'));
const SecurityPage = lazy(() => import('./pages/account/SecurityPage'));
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

/** The page for the roles web/src/access.ts and the server (GET /auth/access) admit; 无权限 for the others, before any data is asked for. */
function Guard({ page, children }: { page: string; children: JSX.Element }) {
  const { user, routes } = useAuth();
  const entry = pageAccess(page);
  useEffect(() => {
    document.title = pageTitle(entry);
  }, [entry]);
  if (!user) return <Navigate to="/login" replace />;
  if (!mayOpen(entry, user.role, routes ?? new Set())) {
    return (
      <div data-testid="forbidden" data-page={page}>
        <Result
          status="403"
          title="无权限"
          subTitle="当前角色无权访问此页面"
          extra={
            <Button type="primary" href={HOME_OF[user.role]}>
              返回首页
            </Button>
          }
        />
      </div>
    );
  }
  // Which page entry rendered (the browser test waits for it; hidden, it takes no space).
  return (
    <>
      <span hidden data-testid="page" data-page={page} />
      {children}
    </>
  );
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
  if (user.mustChangePassword) return <ForcedPasswordPage />;
  return (
    <AppLayout>
      <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
        <Routes>
          <Route path="/login" element={<Navigate to={HOME_OF[user.role]} replace />} />
          <Route path="/" element={<Navigate to={HOME_OF[user.role]} replace />} />
          <Route path="/intake" element={<Guard page="/intake"><IntakePage /></Guard>} />
          <Route path="/workbench" element={<Guard page="/workbench"><WorkbenchPage /></Guard>} />
          <Route path="/tickets" element={<Guard page="/tickets"><TicketListPage /></Guard>} />
          <Route path="/tickets/:no" element={<Guard page="/tickets/:no"><TicketDetailPage /></Guard>} />
          <Route path="/callback" element={<Guard page="/callback"><CallbackPage /></Guard>} />
          <Route path="/duplicates" element={<Guard page="/duplicates"><DuplicateGroupsPage /></Guard>} />
          <Route path="/kb" element={<Guard page="/kb"><KbSearchPage /></Guard>} />
          <Route path="/kb/todo" element={<Guard page="/kb/todo"><KbTodoPage /></Guard>} />
          <Route path="/kb/articles/new" element={<Guard page="/kb/articles/new"><KbArticleNewPage /></Guard>} />
          <Route path="/kb/articles/:id" element={<Guard page="/kb/articles/:id"><KbArticlePage /></Guard>} />
          <Route path="/evaluation" element={<Guard page="/evaluation"><EvaluationPage /></Guard>} />
          <Route path="/quality/review" element={<Guard page="/quality/review"><QualityReviewPage /></Guard>} />
          <Route path="/quality/agents" element={<Guard page="/quality/agents"><AgentQcPage /></Guard>} />
          <Route path="/ratings" element={<Guard page="/ratings"><RatingsPage /></Guard>} />
          <Route path="/supervision" element={<Guard page="/supervision"><SupervisionBoardPage /></Guard>} />
          <Route path="/supervision/items" element={<Guard page="/supervision/items"><SupervisionItemsPage /></Guard>} />
          <Route path="/reports" element={<Guard page="/reports"><ReportsPage /></Guard>} />
          <Route path="/calls/wall" element={<Guard page="/calls/wall"><CallWallPage /></Guard>} />
          <Route path="/calls/stats" element={<Guard page="/calls/stats"><CallStatsPage /></Guard>} />
          <Route path="/calls/missed" element={<Guard page="/calls/missed"><MissedCallsPage /></Guard>} />
          <Route path="/calls/messages" element={<Guard page="/calls/messages"><MessagesPage /></Guard>} />
          <Route path="/calls/restrictions" element={<Guard page="/calls/restrictions"><RestrictionsPage /></Guard>} />
          <Route path="/admin/units" element={<Guard page="/admin/units"><UnitsPage /></Guard>} />
          <Route path="/admin/users" element={<Guard page="/admin/users"><UsersPage /></Guard>} />
          <Route path="/admin/categories" element={<Guard page="/admin/categories"><CategoriesPage /></Guard>} />
          <Route path="/admin/calendar" element={<Guard page="/admin/calendar"><CalendarPage /></Guard>} />
          <Route path="/admin/apikeys" element={<Guard page="/admin/apikeys"><ApiKeysPage /></Guard>} />
          <Route path="/admin/webhooks" element={<Guard page="/admin/webhooks"><WebhooksPage /></Guard>} />
          <Route path="/admin/sms-opt-outs" element={<Guard page="/admin/sms-opt-outs"><SmsOptOutsPage /></Guard>} />
          <Route path="/account/security" element={<Guard page="/account/security"><SecurityPage /></Guard>} />
          <Route path="*" element={<Navigate to={HOME_OF[user.role]} replace />} />
        </Routes>
      </Suspense>
    </AppLayout>
  );
}
