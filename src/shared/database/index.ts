export { createDatabase, pingDatabase, sqliteFilePath } from './create-database.js';
export type { Database, DatabaseHandle, CreateDatabaseOptions } from './create-database.js';
export { connectWithRetry, DatabaseUnreachableError } from './connect-with-retry.js';
export type { ConnectWithRetryOptions } from './connect-with-retry.js';
