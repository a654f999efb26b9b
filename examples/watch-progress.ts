// Follows one resource's processing progress live, the way a frontend does (docs/status-tracking.md).
//   npx tsx examples/watch-progress.ts <http://host:4000/graphql> <accessToken> <resourceId>
// Prints the current snapshot, then every change, until the resource is COMPLETED or FAILED.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [httpUrl, accessToken, resourceId] = process.argv.slice(2);
if (!httpUrl || !accessToken || !resourceId) {
  console.error('usage: watch-progress <http://host:4000/graphql> <accessToken> <resourceId>');
  process.exit(2);
}

const client = createClient({
  url: httpUrl.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket, // browsers: omit (the global WebSocket is used)
  // Called on every (re)connect, so a refreshed token is picked up after a reconnect.
  connectionParams: () => ({ authorization: `Bearer ${accessToken}` }),
  retryAttempts: Infinity,
  // 4401 = missing/invalid/expired token: retrying with the same token is pointless.
  shouldRetry: (event) => !(event && typeof event === 'object' && 'code' in event && event.code === 4401),
});

const query = `subscription Progress($id: ID!) {
  resourceProgress(id: $id) {
    resourceId overallStatus percent error updatedAt
    stages { stage status error startedAt finishedAt attempt }
  }
}`;

type Progress = {
  overallStatus: string;
  percent: number;
  error: string | null;
  stages: Array<{ stage: string; status: string; error: string | null }>;
};

try {
  for await (const result of client.iterate<{ resourceProgress: Progress }>({ query, variables: { id: resourceId } })) {
    if (result.errors) {
      console.error('error:', result.errors.map((e) => `${String(e.extensions?.code)}: ${e.message}`).join('; '));
      break;
    }
    const p = result.data!.resourceProgress;
    console.log(
      `${p.overallStatus} ${p.percent}%  ` +
        p.stages.map((s) => `${s.stage}=${s.status}`).join(' ') +
        (p.error ? `  error: ${p.error}` : ''),
    );
    if (p.overallStatus === 'COMPLETED' || p.overallStatus === 'FAILED') break;
  }
} catch (err) {
  // An `error` message (e.g. NOT_FOUND) arrives as an array of GraphQL errors; a close as a CloseEvent.
  console.error(
    'subscription ended:',
    Array.isArray(err)
      ? err.map((e: { message: string }) => e.message).join('; ')
      : ((err as { code?: number; reason?: string }).reason ?? err),
  );
} finally {
  await client.dispose();
}
