/** Entry: load /config.json, connect the SDK, render. */
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { createRiderAuth } from './auth/riderAuth.js';
import { AppContext } from './data/ApiContext.js';
import { loadWebConfig } from './data/WebConfig.js';
import { createSdkApi } from './data/sdkApi.js';
import './styles.css';

performance.mark('alleycat:script-start');
const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html has no #root');
const root = createRoot(rootEl);

loadWebConfig(fetch.bind(window)).then(
  (config) => {
    performance.mark('alleycat:config');
    const api = createSdkApi(config);
    const auth = config.cognito ? createRiderAuth(config.cognito) : null;
    root.render(
      <AppContext.Provider value={{ api, config, auth }}>
        <App />
      </AppContext.Provider>,
    );
  },
  (err: unknown) => {
    console.error(err);
    root.render(
      <div className="state error fatal" role="alert">
        <strong>Alleycat could not start.</strong>
        <div className="state-detail">{err instanceof Error ? err.message : String(err)}</div>
        <div className="state-detail">
          Is the local stack running? Start it with <code>npm start</code>, then reload.
        </div>
      </div>,
    );
  },
);
