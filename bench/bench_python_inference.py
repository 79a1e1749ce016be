#!/usr/bin/env python3
"""Inference throughput of an ML-GLASS TorchScript model in Python PyTorch (the comparison of
bench_glass_mpnn): loads MODEL with torch.jit.load, the batch that bench_glass_mpnn saved, and
prints windows per second over ~3 s of forward calls (1 thread, inference mode).

Usage: bench_python_inference.py MODEL BATCH_PT WINDOWS_PER_BATCH
"""
import sys
import time

import torch


def main(argv):
    model_path, batch_path, per_batch = argv[1], argv[2], int(argv[3])
    torch.set_num_threads(1)
    model = torch.jit.load(model_path)
    model.eval()
    b = torch.load(batch_path)
    args = (b["x"], b["e"], b["src"], b["dst"], b["rev"], b["node_graph"], per_batch)
    with torch.inference_mode():
        for _ in range(5):
            model(*args)
        reps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 3.0:
            model(*args)
            reps += 1
        print(reps * per_batch / (time.perf_counter() - t0))


if __name__ == "__main__":
    main(sys.argv)
