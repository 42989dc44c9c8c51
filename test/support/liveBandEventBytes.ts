/**
 * The bytes an onLiveBoard subscriber receives for one band event: the band's
 * fields inside the real-time `data` envelope, as counted against AppSync's
 * 5 KB metered message.
 */
import type { LiveBandFieldsFragment } from '../../client/generated/operations.js';

export function liveBandEventBytes(band: LiveBandFieldsFragment): number {
  return Buffer.byteLength(
    JSON.stringify({
      id: '00000000-0000-0000-0000-000000000000',
      type: 'data',
      payload: { data: { onLiveBoard: band } },
    }),
  );
}
