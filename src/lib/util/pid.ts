/**
 * Whether a process of this machine is still running: how a lock or temp file left by a killed
 * process (SIGKILL runs no cleanup) is told apart from one whose owner is still at work.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
