import { describe, expect, it } from 'vitest';
import { realtimeUrlFor } from '../../client/index.js';

describe('the real-time URL, derived as AWS clients derive it', () => {
  it('maps an AppSync default domain to its appsync-realtime-api host', () => {
    expect(realtimeUrlFor('https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/graphql')).toBe(
      'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
    );
  });

  it('appends /realtime for custom domains and the local stack, http becoming ws', () => {
    expect(realtimeUrlFor('https://api.example.com/graphql')).toBe('wss://api.example.com/graphql/realtime');
    expect(realtimeUrlFor('http://127.0.0.1:4000/graphql')).toBe('ws://127.0.0.1:4000/graphql/realtime');
  });
});
