export { serveWebApp, type ServeWebAppOptions } from './serveWebApp.js';
export { webConfigFrom, WebConfigError, type WebConfig } from './webConfigFrom.js';
export { contentTypeOf } from './contentTypes.js';
