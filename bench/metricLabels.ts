/**
 * What each metric of a full run measures, in a few words: the label the
 * README's performance table shows beside the metric's id. Figures measured
 * beside a metric belong to the run (BenchResult.note), not here.
 */
export const METRIC_LABELS: Readonly<Record<string, string>> = {
  'web.mainJsGzipKb': 'JS before first render, gzipped',
  'web.liveFirstRenderMs': 'navigation start → first live ranking rows, median of 7 loads while races run',
  'aggregator.recordsPerSecond': 'decode + validate + merge, one CPU core',
  'live.writeReduction': "per-record design's writes ÷ ours, same run",
  'live.writesPerShardWindow': "the aggregator's write calls per race, shard and window, windows closed in order",
  'live.writesPerShardWindowSixClasses': 'the same with 6 classes of 1,000 riders racing at once (our own load)',
  'appsync.resolverOverheadMsPerField': 'local runtime',
  'appsync.handlerCallUs': 'one bare sandbox handler call',
  'query.raceResultsTop100P95Ms': '1,000 results, through the runtime on DynamoDB Local',
  'query.allTimeTop100P95Ms': '1,000 all-time items',
  'fanout.p99Ms': '1,000 subscribers, each on its own WebSocket, 1,000-entry ranking',
  'fanout.serverMutationP99Ms': 'request arrival → mutation executed',
  'fanout.serverFanoutP99Ms': 'mutation executed → last socket write',
  'fanout.idleConnectionsRssMb': '10,000 idle connections',
  'fanout.completeBoardMessagesPerViewerWindow':
    "AppSync's 5 KB units per viewer and window of the complete board (onLiveRankings), from the local runtime's meter",
  'live.meteredMessagesPerViewerWindow':
    'onLiveBoard viewers (top band + own band) of a 1,000-rider class on the local stack, per 5 KB of each data message',
  'live.largestClassRiders':
    'riders of one class whose bands every subscriber received complete: 63 shards close one window, 5,000 subscribers (top + own band)',
  'live.bandFreshnessP99Ms': "that class: the last shard's close → a subscriber has its top and own band, p99",
  'esm.recordsPerSecond': 'event-source runtime, kinesalite → no-op handler',
  'stack.startupMs': '`alleycat start` → endpoints.json',
  'ingest.kneeRecordsPerSecond':
    'highest offered rate whose full race kept every ingest target, riders per class stepped +25 % until a step missed',
  'ingest.sustainedRecordsPerSecond': '6 classes × 1,000 riders, a full 5-minute race, 5-s windows',
  'ingest.producerRecordsPerSecond': 'what the load generator put',
  'ingest.maxIteratorAgeMs': 'largest iterator age of the aggregator and finalizer mappings',
  'e2e.freshnessP95Ms': 'per record: PutRecords → first subscriber `data` showing it',
  'e2e.freshnessMissedShare': 'records put that no subscriber was shown',
};
