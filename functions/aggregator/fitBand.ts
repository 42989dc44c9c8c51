/**
 * A band event within one AppSync metered real-time message (5 KB), as its
 * subscribers receive it: the event's fields plus the real-time envelope
 * (message type, subscription id, `data` and field wrapper).
 *
 * Names are a display convenience (racerId is the identity): when a band is
 * too large, the longest names are shortened to a common length, lowered
 * until the band fits or no name is left. Entries, ranks, ids and outputs
 * never change, so a band whose racerIds alone pass the budget (ids near the
 * 64-character limit) is published whole; the caller counts those.
 */
import type { LiveBand } from '../../core/liveBands.js';

/** The size of one AppSync metered real-time message. */
export const METERED_MESSAGE_BYTES = 5 * 1024;

/** What a band event's real-time envelope around its fields takes at most. */
export const BAND_ENVELOPE_BYTES = 160;

/** Bytes of a band event whose fields are `json` (the band's JSON text). */
function eventBytes(json: string): number {
  return Buffer.byteLength(json, 'utf8') + BAND_ENVELOPE_BYTES;
}

/** Bytes of a band event as a subscriber selecting every field receives it. */
export function bandEventBytes(band: LiveBand): number {
  return eventBytes(JSON.stringify(band));
}

/** A band and its JSON text, serialized once: measured here, and the publisher sends the text as it is. */
export interface SerializedBand {
  band: LiveBand;
  /** JSON.stringify(band). */
  json: string;
}

/** The band within METERED_MESSAGE_BYTES if shortening names can make it so; `fits` tells. */
export function fitBand(band: LiveBand): SerializedBand & { fits: boolean } {
  const whole = JSON.stringify(band);
  if (eventBytes(whole) <= METERED_MESSAGE_BYTES) return { band, json: whole, fits: true };
  const entries = band.entries.map((e) => ({ ...e }));
  let cap = Math.max(0, ...entries.map((e) => e.name?.length ?? 0));
  let fitted: LiveBand = { ...band, entries };
  let json = whole;
  while (cap > 0 && eventBytes(json) > METERED_MESSAGE_BYTES) {
    // Lower the cap by the excess spread over the names at the cap, at least one character.
    const atCap = entries.filter((e) => e.name !== null && e.name.length >= cap).length;
    const excess = eventBytes(json) - METERED_MESSAGE_BYTES;
    cap = Math.max(0, cap - Math.max(1, Math.ceil(excess / Math.max(1, atCap))));
    for (const e of entries) {
      if (e.name !== null && e.name.length > cap) e.name = cap === 0 ? null : e.name.slice(0, cap);
    }
    fitted = { ...band, entries };
    json = JSON.stringify(fitted);
  }
  return { band: fitted, json, fits: eventBytes(json) <= METERED_MESSAGE_BYTES };
}
