/** Worker entry of bootstrap-parallel.ts: claims batches of resamples until none is left. */
import { workerData } from 'node:worker_threads';
import type { BootstrapPlan, BootstrapWork } from './bootstrap.ts';
import { claimBatches } from './bootstrap.ts';

const { plan, work } = workerData as { plan: BootstrapPlan; work: BootstrapWork };
claimBatches(plan, work);
