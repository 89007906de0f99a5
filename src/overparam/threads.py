"""Pin the thread count of every numeric library a job uses to what the scheduler gave it,
so that `snakemake --cores 8` on a small machine runs 8 one-thread jobs, not 8 x all cores."""
import torch
from threadpoolctl import threadpool_limits


def set_threads(n: int) -> None:
    torch.set_num_threads(n)
    threadpool_limits(n)  # NumPy's BLAS (OpenBLAS) ignores torch's setting
