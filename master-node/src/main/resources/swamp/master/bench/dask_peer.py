"""Dask distributed, measured the way bin/swamp bench measures swamp (the peer of issue 5).

usage: python3 dask_peer.py noop|true|register N REPS
  noop      N no-op tasks on a LocalCluster of 2 worker processes: prints tasks/s per repetition
  true      N tasks that each run /bin/true, 2 worker processes of 1 thread: prints jobs/s
  register  N worker processes started at once: prints the seconds until all are connected
One number per line, one line per repetition, on standard output.
"""
import logging
import subprocess
import sys
import time


def noop(i):
    return i


def run_true(i):
    return subprocess.run(["/bin/true"]).returncode


def main():
    what, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    from distributed import Client, LocalCluster, wait

    if what == "register":
        for _ in range(reps):
            with LocalCluster(n_workers=0, threads_per_worker=1, processes=True,
                              dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
                    Client(cluster) as client:
                t0 = time.perf_counter()
                cluster.scale(n)
                client.wait_for_workers(n, timeout=600)
                print(time.perf_counter() - t0, flush=True)
        return

    fn = noop if what == "noop" else run_true
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        wait(client.map(fn, range(min(n, 200)), pure=False))  # warm up
        for _ in range(reps):
            t0 = time.perf_counter()
            futures = client.map(fn, range(n), pure=False)
            wait(futures)
            elapsed = time.perf_counter() - t0
            if any(f.status != "finished" for f in futures):
                raise SystemExit("some tasks did not finish")
            print(n / elapsed, flush=True)
            del futures


if __name__ == "__main__":
    main()
