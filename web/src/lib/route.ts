/**
 * The app's routes as data: a tiny history router (React Router is not a
 * dependency). Paths are parsed and built here only.
 */
import type { AllTimeOrder } from '../data/types.js';

export type Route =
  | { page: 'live'; classId?: number; follow?: string }
  | { page: 'ride' }
  | { page: 'races'; classId?: number }
  | { page: 'result'; classId: number; raceId: number; around?: string }
  | { page: 'alltime'; classId?: number; by: AllTimeOrder; around?: string }
  | { page: 'racer'; racerId: string }
  | { page: 'explorer' }
  | { page: 'ops' }
  | { page: 'notFound'; path: string };

function int(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  return Number(s);
}

/** Parses a location's pathname and search into a route. */
export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => decodeURIComponent(p));
  const [head, a, b] = parts;
  const params = new URLSearchParams(search);
  // Where a ranking page starts (a rider id; the API checks it).
  const around = params.get('around');
  const at = around ? { around } : {};
  switch (head) {
    case undefined:
      return { page: 'live' };
    case 'live': {
      const follow = params.get('follow');
      return follow ? { page: 'live', classId: int(a), follow } : { page: 'live', classId: int(a) };
    }
    case 'ride':
      return { page: 'ride' };
    case 'results': {
      const classId = int(a);
      const raceId = int(b);
      if (classId !== undefined && raceId !== undefined) return { page: 'result', classId, raceId, ...at };
      return { page: 'races', classId };
    }
    case 'alltime':
      return {
        page: 'alltime',
        classId: int(a),
        by: params.get('by') === 'TOTAL_OUTPUT' ? 'TOTAL_OUTPUT' : 'PERSONAL_BEST',
        ...at,
      };
    case 'racer':
      return a ? { page: 'racer', racerId: a } : { page: 'notFound', path: pathname };
    case 'explorer':
      return { page: 'explorer' };
    case 'ops':
      return { page: 'ops' };
    default:
      return { page: 'notFound', path: pathname };
  }
}

/** The path of a route (inverse of parseRoute). */
export function routePath(route: Route): string {
  switch (route.page) {
    case 'live': {
      const base = route.classId === undefined ? (route.follow ? '/live' : '/') : `/live/${route.classId}`;
      return route.follow ? `${base}?follow=${encodeURIComponent(route.follow)}` : base;
    }
    case 'ride':
      return '/ride';
    case 'races':
      return route.classId === undefined ? '/results' : `/results/${route.classId}`;
    case 'result':
      return withQuery(`/results/${route.classId}/${route.raceId}`, { around: route.around });
    case 'alltime': {
      const base = route.classId === undefined ? '/alltime' : `/alltime/${route.classId}`;
      return withQuery(base, { by: route.by === 'TOTAL_OUTPUT' ? 'TOTAL_OUTPUT' : undefined, around: route.around });
    }
    case 'racer':
      return `/racer/${encodeURIComponent(route.racerId)}`;
    case 'explorer':
      return '/explorer';
    case 'ops':
      return '/ops';
    case 'notFound':
      return route.path;
  }
}

/** A path with the given query parameters, those that are set. */
function withQuery(base: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  const text = query.toString();
  return text.length > 0 ? `${base}?${text}` : base;
}
