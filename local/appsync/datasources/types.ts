/** What a data source gives back to the response handler: ctx.result and, on failure, ctx.error. */
export interface DataSourceResult {
  readonly result: unknown;
  readonly error?: { message: string; type: string };
}

/** Identifies the resolver or function calling, so pagination tokens stay bound to it. */
export interface DataSourceCall {
  readonly request: unknown;
  readonly callerId: string;
}

export interface DataSource {
  invoke(call: DataSourceCall): Promise<DataSourceResult>;
}
