// Who is logged in. The session itself is an httpOnly cookie set by the server at login.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, setUnauthorizedHandler } from './api';
import type { CurrentUser } from './types';

/** A correct password of an account with two-step login: the code is asked for next. */
export interface SecondStep {
  step: 'totp' | 'totp-enrol';
  challenge: string;
  /** An admin who must use codes and has not enrolled: the secret to add to an authenticator app. */
  enrolment?: { secret: string; otpauthUri: string };
}

interface AuthState {
  user: CurrentUser | null;
  loading: boolean;
  /** The user, or the second step when the account logs in with a code too. */
  login(username: string, password: string): Promise<{ user: CurrentUser } | SecondStep>;
  /** The second step; the session starts only when `signedIn` is called with the answer's user. */
  submitCode(challenge: string, code: string): Promise<{ user: CurrentUser; recoveryCodes?: string[] }>;
  signedIn(user: CurrentUser): void;
  logout(): Promise<void>;
  /** The `METHOD path` routes the server admits the user's role to (GET /auth/access); null while unknown. */
  routes: ReadonlySet<string> | null;
  /** Whether the server admits the user's role to a route: buttons are shown by it. */
  can(key: string): boolean;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<CurrentUser | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    api<CurrentUser>('/auth/me')
      .then(setUser)
      .catch(() => setUser(null))
      .finally(() => setLoading(false));
  }, []);

  // What the role may call, asked again whenever someone else signs in.
  const [routes, setRoutes] = useState<ReadonlySet<string> | null>(null);
  const who = user && !user.mustChangePassword ? user.username : null;
  useEffect(() => {
    setRoutes(null);
    if (!who) return;
    let live = true;
    api<{ routes: string[] }>('/auth/access')
      .then((r) => live && setRoutes(new Set(r.routes)))
      .catch(() => live && setRoutes(new Set()));
    return () => {
      live = false;
    };
  }, [who]);
  const can = useCallback((key: string) => !!routes?.has(key), [routes]);

  const login = useCallback(async (username: string, password: string) => {
    const res = await api<{ user: CurrentUser } | SecondStep>('/auth/login', { body: { username, password } });
    if ('user' in res) setUser(res.user);
    return res;
  }, []);

  const submitCode = useCallback(
    (challenge: string, code: string) => api<{ user: CurrentUser; recoveryCodes?: string[] }>('/auth/login/totp', { body: { challenge, code } }),
    [],
  );

  const logout = useCallback(async () => {
    await api('/auth/logout', { body: {} }).catch(() => undefined);
    setUser(null);
  }, []);

  return <AuthContext.Provider value={{ user, loading: loading || (!!who && !routes), login, submitCode, signedIn: setUser, logout, routes, can }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
