/** Another process holds the SQLite file's write lock for longer than the busy timeout. `message` is one line. */
export class DatabaseBusyError extends Error {
  readonly file: string;
  constructor(file: string, options?: { cause?: unknown }) {
    super(`database file is in use by another process: ${file}`, options);
    this.name = 'DatabaseBusyError';
    this.file = file;
  }
}
