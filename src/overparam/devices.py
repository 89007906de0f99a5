"""Which device a study trains on: `auto` is CUDA where PyTorch finds it, else the CPU."""
import torch


def pick_device(name: str, key: str) -> torch.device:
    """`auto`, `cpu` or `cuda`. `cuda` on a machine without it is one clear error naming the
    config `key` (checked in the job, not before: a login node may lack its compute nodes' GPU)."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"{key} is cuda, but this machine has no CUDA device that PyTorch can use "
                         f"(torch {torch.__version__}); set {key} to auto or cpu, or run on a GPU node")
    return torch.device(name)
