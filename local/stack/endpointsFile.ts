/** `.alleycat/endpoints.json` (contract §4), written atomically once the stack is ready. */
import fs from 'node:fs';
import path from 'node:path';

/** The endpoints file, exactly the contract's shape. */
export interface Endpoints {
  region: string;
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  webUrl: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  kinesis: { endpoint: string; streamName: string };
  dynamodb: { endpoint: string; tableName: string };
  raceSeconds: number;
  windowSeconds: number;
}

/** Writes the file through a temporary file and a rename, so readers never see half of it. */
export function writeEndpointsFile(file: string, endpoints: Endpoints): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(endpoints, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

/** Removes the file if it still describes this stack (another stack may have replaced it). */
export function removeEndpointsFile(file: string, endpoints: Endpoints): void {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (text.trim() === JSON.stringify(endpoints, null, 2)) fs.rmSync(file, { force: true });
}
