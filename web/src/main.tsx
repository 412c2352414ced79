import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { AuthProvider } from './auth';
import { App } from './App';
import { ConsoleWatermark } from './components/ConsoleWatermark';

dayjs.locale('zh-cn');

// Users who ask their system for less motion get dialogs and drawers that appear at once.
const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN} theme={{ token: { colorPrimary: '#1f5fbf', motion: !reducedMotion } }}>
      <AntApp>
        <BrowserRouter>
          <AuthProvider>
            <ConsoleWatermark>
              <App />
            </ConsoleWatermark>
          </AuthProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
