"""Students of a sum-of-ReLUs teacher: w_k ~ N(0, I/d), one seeded generator per run."""
import torch

from overparam.rng import generator


def init_students(d: int, m: int, seeds, dtype=torch.float64) -> torch.Tensor:
    """w_k ~ N(0, I/d), each seed from its own generator: W (S, m, d)."""
    return torch.stack([torch.randn(m, d, generator=generator(s, "init"), dtype=dtype) / d**0.5
                        for s in seeds])
