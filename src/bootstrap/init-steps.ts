import type { Logger } from '../shared/logger.js';

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Memory figures logged with every initialisation step, in MB. */
export function memorySnapshot(): { rssMb: number; heapUsedMb: number; heapTotalMb: number } {
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal) };
}

/**
 * Runs initialisation steps one after the other, logging each with its own duration, the elapsed
 * time since start and memory (the worker's analogue of Celery's worker_process_init log).
 */
export function createInitSteps(logger: Logger, startedAt = Date.now()) {
  return {
    async step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      const t = Date.now();
      const value = await fn();
      logger.info(
        { step: name, ms: Date.now() - t, elapsedMs: Date.now() - startedAt, ...memorySnapshot() },
        `init: ${name}`,
      );
      return value;
    },
    ready(extra: Record<string, unknown> = {}): number {
      const totalMs = Date.now() - startedAt;
      logger.info({ totalMs, ...memorySnapshot(), ...extra }, 'worker ready');
      return totalMs;
    },
  };
}

/** The step logger of one process start (see createInitSteps). */
export type InitSteps = ReturnType<typeof createInitSteps>;
