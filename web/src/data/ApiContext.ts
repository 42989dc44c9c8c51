/** The Api and configuration, provided once at the root. */
import { createContext, useContext } from 'react';
import type { RiderAuth } from '../auth/riderAuth.js';
import type { Api } from './Api.js';
import type { WebConfig } from './WebConfig.js';

export interface AppContextValue {
  api: Api;
  config: WebConfig;
  /** Signing riders up and in; null when the API has no user pool. */
  auth: RiderAuth | null;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside <AppContext.Provider>');
  return v;
}
