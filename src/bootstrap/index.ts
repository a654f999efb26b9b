export { bootstrap, queuePrefix, runtimeMode } from './bootstrap.js';
export type { BootstrapOptions, Platform, ProcessRole, RuntimeMode } from './bootstrap.js';
export { startProcessing } from './start-processing.js';
export type { Processing, StartProcessingOptions } from './start-processing.js';
export { createLifetime } from './lifetime.js';
export type { Closer, Lifetime } from './lifetime.js';
export { PortInUseError } from './ensure-port-free.js';
export { runMain } from './run-main.js';
export type { RunMainOptions, Started } from './run-main.js';
