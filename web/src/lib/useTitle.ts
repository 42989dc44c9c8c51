/** The tab's title for the page on screen (the browser's history and tabs show it). */
import { useEffect } from 'react';

export const APP_NAME = 'Alleycat';

/** "What · Alleycat"; the bare app name when `what` is empty. */
export function pageTitle(what: string): string {
  return what ? `${what} · ${APP_NAME}` : APP_NAME;
}

/** Sets document.title while the calling page is shown. */
export function useTitle(what: string): void {
  useEffect(() => {
    document.title = pageTitle(what);
  }, [what]);
}
