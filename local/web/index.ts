export { serveWebApp, type ServeWebAppOptions } from './serveWebApp.js';
export { webConfigFrom, WebConfigError } from './webConfigFrom.js';
export { contentTypeOf } from './contentTypes.js';
