"""Seeded generators: each random stream of a run (teacher, student init, data) has its own."""
import numpy as np
import torch

STREAMS = {"teacher": 0, "init": 1, "data": 2, "eval": 3}


def generator(seed: int, stream: str) -> torch.Generator:
    """A torch generator for one named stream of a seed; streams never share random numbers,
    so changing how much data a run draws leaves its initialization unchanged."""
    state = np.random.SeedSequence([int(seed), STREAMS[stream]]).generate_state(2, dtype=np.uint64)
    return torch.Generator().manual_seed(int(state[0] >> np.uint64(1)))
