/** Development only: the app over the in-memory fake Api (no backend needed). */
import { createRoot } from 'react-dom/client';
import { App } from '../../src/App.js';
import { AppContext } from '../../src/data/ApiContext.js';
import '../../src/styles.css';
import { createFakeApi } from './fakeApi.js';

const config = {
  graphqlUrl: '/graphql',
  realtimeUrl: '/graphql/realtime',
  apiKey: 'fake',
  cognito: { endpoint: '/cognito', region: 'us-east-1', userPoolId: 'fake_pool', userPoolClientId: 'fake' },
  raceSeconds: 60,
  windowSeconds: 2,
};
const api = createFakeApi({ riders: 900, raceSeconds: config.raceSeconds, windowSeconds: config.windowSeconds });
const el = document.getElementById('root');
if (el) {
  createRoot(el).render(
    <AppContext.Provider value={{ api, config, auth: null }}>
      <App />
    </AppContext.Provider>,
  );
}
