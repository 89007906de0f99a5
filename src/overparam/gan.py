"""Problem L5.2: the course's reference MLP GAN on MNIST, trained epoch by epoch with a
checkpoint after every epoch, so that a killed job resumes and ends exactly where an
uninterrupted run ends (on the CPU).

Generator 100-256-512-1024-784 (LeakyReLU 0.2, tanh out); discriminator 784-1024-512-256-1
(LeakyReLU 0.2, dropout 0.3 after each hidden layer, sigmoid out). The sigmoid is folded
into the loss (`binary_cross_entropy_with_logits` is BCE of the sigmoid, computed stably), so
the discriminator module returns logits and D(x) = sigmoid(logit). One discriminator step,
then one non-saturating generator step (maximize log D(G(z))) per batch; Adam with default
betas.
"""
import hashlib
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .logs import replacing
from .rng import generator, seed_for

LATENT = 100


def make_generator(latent: int = LATENT) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(latent, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 1024), nn.LeakyReLU(0.2),
        nn.Linear(1024, 784), nn.Tanh(),
    )


def make_discriminator() -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(784, 1024), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Linear(1024, 512), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Dropout(0.3),
        nn.Linear(256, 1),  # logit; D(x) = sigmoid of it
    )


def pick_device(name: str) -> torch.device:
    """`auto`: CUDA where present, else the CPU. `cuda` on a machine without it is one clear error
    (checked in the job, not before: a login node may lack the GPU its compute nodes have)."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("gan.device is cuda, but this machine has no CUDA device that PyTorch can use "
                         f"(torch {torch.__version__}); set gan.device to auto or cpu, or run on a GPU node")
    return torch.device(name)


def init_state(seed: int, lr_g: float, lr_d: float, device: torch.device) -> dict:
    """Networks, optimizers and random streams of a fresh run."""
    torch.manual_seed(seed_for(seed, "init"))  # nn.Linear draws its weights from the global stream
    G, D = make_generator().to(device), make_discriminator().to(device)
    torch.manual_seed(seed_for(seed, "dropout"))  # the global stream is then dropout's alone
    fused = device.type in ("cpu", "cuda")  # one fused kernel per optimizer step: ~10% faster
    return dict(
        G=G, D=D,
        opt_g=torch.optim.Adam(G.parameters(), lr=lr_g, fused=fused),
        opt_d=torch.optim.Adam(D.parameters(), lr=lr_d, fused=fused),
        latent=generator(seed, "latent"),  # on the CPU: the same z on every device
        epoch=0, rows=[], samples={},
    )


def epoch_order(n: int, epoch_samples: int, seed: int, epoch: int) -> np.ndarray:
    """Indices of one epoch: `epoch_samples` digits from back-to-back shuffles of the n
    training digits. An epoch counts samples, not passes, so that a small data source gives
    the number of updates of the original 60,000-digit epoch."""
    rng = np.random.default_rng([seed_for(seed, "data"), epoch])
    reps = -(-epoch_samples // n)
    return np.concatenate([rng.permutation(n) for _ in range(reps)])[:epoch_samples]


def train_epoch(s: dict, x: torch.Tensor, batch_size: int, epoch_samples: int, seed: int) -> dict:
    """One epoch of alternating steps; returns its log row (means over the batches)."""
    G, D, device = s["G"], s["D"], next(s["G"].parameters()).device
    s["epoch"] += 1
    order = torch.from_numpy(epoch_order(len(x), epoch_samples, seed, s["epoch"]))
    ones = torch.ones(batch_size, 1, device=device)
    zeros = torch.zeros(batch_size, 1, device=device)
    sums = torch.zeros(5, device=device)  # summed on the device: no sync per step on a GPU
    G.train()
    D.train()
    t0 = time.perf_counter()
    for batch in order.view(-1, batch_size):
        real = x[batch].to(device, non_blocking=True)
        z = torch.randn(batch_size, LATENT, generator=s["latent"]).to(device)
        fake = G(z)
        # Discriminator: real and fake in one pass (the same function as two passes: no batch
        # statistics anywhere), loss = BCE(real, 1) + BCE(fake, 0).
        logits = D(torch.cat([real, fake.detach()]))
        d_loss = (F.binary_cross_entropy_with_logits(logits[:batch_size], ones)
                  + F.binary_cross_entropy_with_logits(logits[batch_size:], zeros))
        s["opt_d"].zero_grad(set_to_none=True)
        d_loss.backward()
        s["opt_d"].step()
        # Generator: non-saturating loss BCE(D(G(z)), 1) on the same z, through the updated D.
        # D's weights need no gradient here; only its input does.
        D.requires_grad_(False)
        g_logits = D(fake)
        g_loss = F.binary_cross_entropy_with_logits(g_logits, ones)
        s["opt_g"].zero_grad(set_to_none=True)
        g_loss.backward()
        s["opt_g"].step()
        D.requires_grad_(True)
        with torch.no_grad():
            p = torch.sigmoid(logits)
            sums += torch.stack([d_loss, g_loss, p[:batch_size].mean(), p[batch_size:].mean(),
                                 torch.sigmoid(g_logits).mean()])
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    m = (sums / len(order.view(-1, batch_size))).tolist()
    return dict(epoch=s["epoch"], samples=s["epoch"] * epoch_samples, d_loss=m[0], g_loss=m[1],
                d_real=m[2], d_fake=m[3], d_fake_after=m[4], seconds=seconds)


@torch.no_grad()
def sample(G: nn.Module, z: torch.Tensor) -> np.ndarray:
    """Generated digits for latent batch z, as uint8 28x28 images."""
    G.eval()
    x = G(z.to(next(G.parameters()).device)).cpu()
    return ((x + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).view(-1, 28, 28).numpy()


def fixed_latent(seed: int, n: int) -> torch.Tensor:
    """The latent batch whose samples are logged: the same at every epoch of a run."""
    return torch.randn(n, LATENT, generator=generator(seed, "fixed"))


def _random_states(device: torch.device) -> dict:
    out = {"torch": torch.get_rng_state()}
    if device.type == "cuda":
        out["cuda"] = torch.cuda.get_rng_state(device)
    return out


def save_checkpoint(s: dict, meta: dict, path) -> None:
    """Everything a resumed run needs, written atomically (a kill mid-write keeps the old one)."""
    device = next(s["G"].parameters()).device
    state = dict(meta=meta, epoch=s["epoch"], rows=s["rows"], samples=s["samples"],
                 G=s["G"].state_dict(), D=s["D"].state_dict(),
                 opt_g=s["opt_g"].state_dict(), opt_d=s["opt_d"].state_dict(),
                 latent=s["latent"].get_state(), rng=_random_states(device))
    with replacing(path) as tmp:
        torch.save(state, tmp)


def load_checkpoint(s: dict, meta: dict, path) -> bool:
    """Restore a fresh state `s` from `path` if it holds a run of the same settings."""
    path = Path(path)
    if not path.exists():
        return False
    c = torch.load(path, map_location=next(s["G"].parameters()).device, weights_only=False)
    if c["meta"] != meta:
        differ = sorted(k for k in meta.keys() | c["meta"].keys() if c["meta"].get(k) != meta.get(k))
        print(f"checkpoint {path} is of another run (differs in {', '.join(differ)}); discarded, starting afresh")
        return False
    for k in ("G", "D", "opt_g", "opt_d"):
        s[k].load_state_dict(c[k])
    s["latent"].set_state(c["latent"])
    torch.set_rng_state(c["rng"]["torch"])
    if "cuda" in c["rng"] and torch.cuda.is_available():
        torch.cuda.set_rng_state(c["rng"]["cuda"])
    s.update(epoch=c["epoch"], rows=c["rows"], samples=c["samples"])
    return True


def run(x: torch.Tensor, *, seed: int, lr_g: float, lr_d: float, batch_size: int, epochs: int,
        epoch_samples: int, sample_epochs, n_samples: int, device: torch.device, checkpoint,
        stop_after: int | None = None) -> dict:
    """Train (or resume) to `epochs`, checkpointing every epoch; the state holds the per-epoch
    rows and the fixed-latent samples of each epoch in `sample_epochs`. `stop_after` ends the
    call early after that many epochs of this call (to test resuming)."""
    if epoch_samples % batch_size:
        raise ValueError(f"batch size {batch_size} must divide the epoch of {epoch_samples} samples")
    # the run's fingerprint: its settings and the training digits themselves (their content, not
    # only their number), so a checkpoint of another split or source is never resumed
    meta = dict(seed=seed, lr_g=lr_g, lr_d=lr_d, batch_size=batch_size, epoch_samples=epoch_samples,
                n_train=len(x), n_samples=n_samples, sample_epochs=sorted(sample_epochs),
                data_sha256=hashlib.sha256(x.detach().cpu().contiguous().numpy().tobytes()).hexdigest())
    s = init_state(seed, lr_g, lr_d, device)
    if load_checkpoint(s, meta, checkpoint):
        print(f"resumed from {checkpoint} after epoch {s['epoch']}")
    z = fixed_latent(seed, n_samples)
    done = 0
    while s["epoch"] < epochs and (stop_after is None or done < stop_after):
        row = train_epoch(s, x, batch_size, epoch_samples, seed)
        s["rows"].append(row)
        if s["epoch"] in meta["sample_epochs"]:
            s["samples"][s["epoch"]] = sample(s["G"], z)
        save_checkpoint(s, meta, checkpoint)
        done += 1
        print(f"epoch {row['epoch']}: D loss {row['d_loss']:.3f}, G loss {row['g_loss']:.3f}, "
              f"D(x) {row['d_real']:.3f}, D(G(z)) {row['d_fake']:.3f}, {row['seconds']:.1f} s", flush=True)
    return s
