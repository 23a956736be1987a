/** What a speed number was measured on, recorded beside it. */
import os from 'node:os';
import sharp from 'sharp';

export interface RunEnvironment {
  onnxruntime: string;
  /** Provider the session actually used (after any fallback). */
  executionProvider: string;
  requestedDevice: string;
  cpu: string;
  cpuCount: number;
  node: string;
  platform: string;
  arch: string;
  libvips: string;
  intraOpNumThreads?: number;
}

export function runEnvironment(session: {
  onnxruntimeVersion: string;
  provider: string;
  requestedDevice: string;
}): RunEnvironment {
  const cpus = os.cpus();
  return {
    onnxruntime: session.onnxruntimeVersion,
    executionProvider: session.provider,
    requestedDevice: session.requestedDevice,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    libvips: sharp.versions.vips,
  };
}
