"""Seeded generators: each random stream of a run (teacher, student init, data, ...) has its own."""
import numpy as np
import torch

STREAMS = {"teacher": 0, "init": 1, "data": 2, "eval": 3, "latent": 4, "dropout": 5, "fixed": 6}


def seed_for(seed: int, stream: str) -> int:
    """A 63-bit seed for one named stream of a run's seed; streams never share random numbers,
    so changing how much data a run draws leaves its initialization unchanged."""
    state = np.random.SeedSequence([int(seed), STREAMS[stream]]).generate_state(2, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


def generator(seed: int, stream: str) -> torch.Generator:
    """A torch generator for one named stream of a seed."""
    return torch.Generator().manual_seed(seed_for(seed, stream))
