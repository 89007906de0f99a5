"""Problem L5.2: the reference MLP GAN on MNIST (the common PyTorch MNIST MLP GAN, as in the
repository lyeoni/pytorch-mnist-GAN), trained epoch by epoch with a checkpoint after every epoch,
so that a killed job resumes and ends exactly where an uninterrupted run ends (on the CPU).

Generator 100-256-512-1024-784 (LeakyReLU 0.2, tanh out); discriminator 784-1024-512-256-1
(LeakyReLU 0.2, dropout 0.3 after each hidden layer, sigmoid out). Per batch, the reference's
step: a discriminator step on the real batch and on G(z) (two passes, BCELoss of the sigmoid
output against 1 and 0), then a generator step on a fresh z through the updated discriminator,
dropout still on (the reference's F.dropout is always in training mode), non-saturating loss
BCELoss(D(G(z')), 1); Adam with default betas (torch's default, unfused kernel).

Two shortcuts, both exactly the same updates as the reference: the discriminator step does not
backpropagate into G (the reference does, but zeroes G's gradients before using them), and the
generator step computes no gradients of D's weights (the reference does, and zeroes them before
the next discriminator step). Our random numbers come from separate streams (latent, dropout),
so a resumed run draws what an uninterrupted one draws; the reference draws all from one.
"""
import hashlib
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from overparam.logs import replacing
from overparam.rng import generator, seed_for

LATENT = 100


def make_generator(latent: int = LATENT) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(latent, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 512), nn.LeakyReLU(0.2),
        nn.Linear(512, 1024), nn.LeakyReLU(0.2),
        nn.Linear(1024, 784), nn.Tanh(),
    )


class Dropout(nn.Module):
    """nn.Dropout(p): each unit kept with probability 1 - p and scaled by 1 / (1 - p), its mask
    drawn as uniform numbers below 1 - p. torch's CPU Bernoulli draw (what nn.Dropout uses) costs
    about 11 ns a unit here, three times a uniform draw, and at batch 1000 a step draws 7.2 million
    mask units (five per discriminator weight): a sixth of the step went to them."""

    def __init__(self, p: float):
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return x
        keep = torch.empty_like(x).uniform_() < 1 - self.p
        return x * (keep * (1 / (1 - self.p)))  # one product forward, one backward


def make_discriminator() -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(784, 1024), nn.LeakyReLU(0.2), Dropout(0.3),
        nn.Linear(1024, 512), nn.LeakyReLU(0.2), Dropout(0.3),
        nn.Linear(512, 256), nn.LeakyReLU(0.2), Dropout(0.3),
        nn.Linear(256, 1), nn.Sigmoid(),  # D(x), as the reference's: BCELoss takes probabilities
    )


def init_state(seed: int, lr_g: float, lr_d: float, device: torch.device) -> dict:
    """Networks, optimizers and random streams of a fresh run."""
    torch.manual_seed(seed_for(seed, "init"))  # nn.Linear draws its weights from the global stream
    G, D = make_generator().to(device), make_discriminator().to(device)
    torch.manual_seed(seed_for(seed, "dropout"))  # the global stream is then dropout's alone
    # torch's default Adam, as the reference: the fused kernel is faster but rounds differently
    return dict(
        G=G, D=D,
        opt_g=torch.optim.Adam(G.parameters(), lr=lr_g),
        opt_d=torch.optim.Adam(D.parameters(), lr=lr_d),
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


def step(s: dict, real: torch.Tensor, ones: torch.Tensor, zeros: torch.Tensor) -> torch.Tensor:
    """One update of each player, the reference's step; returns (D loss, G loss, mean D(x),
    mean D(G(z)) in the D step, mean D(G(z')) in the G step) on the device."""
    G, D, B, device = s["G"], s["D"], len(real), real.device
    # Discriminator: BCE(D(x), 1) + BCE(D(G(z)), 0). G(z) needs no graph: the reference's
    # gradient into G here is zeroed before the G step uses G's gradients.
    with torch.no_grad():
        fake = G(torch.randn(B, LATENT, generator=s["latent"]).to(device))
    p_real, p_fake = D(real), D(fake)
    d_loss = F.binary_cross_entropy(p_real, ones) + F.binary_cross_entropy(p_fake, zeros)
    s["opt_d"].zero_grad(set_to_none=True)
    d_loss.backward()
    s["opt_d"].step()
    # Generator: a fresh z', non-saturating loss BCE(D(G(z')), 1) through the updated D, dropout
    # on. D's weights need no gradient (the reference's are zeroed before D's next step).
    D.requires_grad_(False)
    p_after = D(G(torch.randn(B, LATENT, generator=s["latent"]).to(device)))
    g_loss = F.binary_cross_entropy(p_after, ones)
    s["opt_g"].zero_grad(set_to_none=True)
    g_loss.backward()
    s["opt_g"].step()
    D.requires_grad_(True)
    with torch.no_grad():
        return torch.stack([d_loss, g_loss, p_real.mean(), p_fake.mean(), p_after.mean()])


def train_epoch(s: dict, x: torch.Tensor, batch_size: int, epoch_samples: int, seed: int, *,
                log_updates: int | None = None, sample_at=(), z: torch.Tensor | None = None) -> list[dict]:
    """One epoch of alternating steps. Returns its log rows: one per `log_updates` updates (one
    for the whole epoch if None), each the means over its updates. After every update count in
    `sample_at` (counted from the start of the run), the samples of latent batch z are kept."""
    G, D, device = s["G"], s["D"], next(s["G"].parameters()).device
    batches = torch.from_numpy(epoch_order(len(x), epoch_samples, seed, s["epoch"] + 1)).view(-1, batch_size)
    per_epoch = len(batches)
    log_updates = log_updates or per_epoch
    if per_epoch % log_updates:
        raise ValueError(f"log_updates {log_updates} must divide the {per_epoch} updates of an epoch")
    s["epoch"] += 1
    ones = torch.ones(batch_size, 1, device=device)
    zeros = torch.zeros(batch_size, 1, device=device)
    sums = torch.zeros(5, device=device)  # summed on the device: no sync per step on a GPU
    G.train()
    D.train()
    rows, t0 = [], time.perf_counter()
    for i, batch in enumerate(batches, start=1):
        sums += step(s, x[batch].to(device, non_blocking=True), ones, zeros)
        updates = (s["epoch"] - 1) * per_epoch + i
        if updates in sample_at:
            s["samples"][updates] = sample(G, z)
            G.train()
        if i % log_updates == 0:
            if device.type == "cuda":
                torch.cuda.synchronize()
            m = (sums / log_updates).tolist()
            t1 = time.perf_counter()
            rows.append(dict(epoch=s["epoch"], updates=updates, samples=updates * batch_size,
                             d_loss=m[0], g_loss=m[1], d_real=m[2], d_fake=m[3], d_fake_after=m[4],
                             seconds=t1 - t0))
            sums.zero_()
            t0 = t1
    return rows


def step_flops(batch_size: int) -> int:
    """Floating-point operations of the matrix products of one `step` (2 per multiply-add):
    D step: G forward on B (no graph), D forward on 2B (real and fake), D backward on 2B (weight
    gradients of every layer, input gradients of all but the first: the inputs need none);
    G step: G forward and D forward on B, D backward on B (input gradients only: D's weights need
    none), G backward on B (weight gradients of every layer, input gradients of all but the
    first: z needs none)."""
    macs = lambda net: [m.in_features * m.out_features for m in net if isinstance(m, nn.Linear)]
    g, d = macs(make_generator()), macs(make_discriminator())
    per_sample = (sum(g) + 2 * sum(d) + 2 * (sum(d) + sum(d[1:]))  # D step
                  + sum(g) + sum(d) + sum(d) + sum(g) + sum(g[1:]))  # G step
    return 2 * batch_size * per_sample


def adam_bytes() -> int:
    """Bytes one step's two Adam updates must move at least: read the parameter, its gradient
    and both moments, write back the parameter and both moments (float32)."""
    n = sum(p.numel() for net in (make_generator(), make_discriminator()) for p in net.parameters())
    return 7 * 4 * n


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
    """Everything a resumed run needs, written atomically (a kill mid-write keeps the old one).
    Tensors and plain values only, so that `load_checkpoint` reads it with weights_only=True."""
    device = next(s["G"].parameters()).device
    state = dict(meta=meta, epoch=s["epoch"], rows=s["rows"],
                 samples={u: torch.from_numpy(x) for u, x in s["samples"].items()},
                 G=s["G"].state_dict(), D=s["D"].state_dict(),
                 opt_g=s["opt_g"].state_dict(), opt_d=s["opt_d"].state_dict(),
                 latent=s["latent"].get_state(), rng=_random_states(device))
    with replacing(path) as tmp:
        torch.save(state, tmp)


def load_checkpoint(s: dict, meta: dict, path) -> bool:
    """Restore a fresh state `s` from `path` if it holds a run of the same settings. The file is
    read with weights_only=True (tensors and plain values: a crafted file cannot run code) and its
    fingerprint is compared before anything is restored. A file that cannot be read (cut off,
    damaged, not a checkpoint) or that holds another run is discarded with a line saying so."""
    path = Path(path)
    if not path.exists():
        return False
    try:
        c = torch.load(path, map_location=next(s["G"].parameters()).device, weights_only=True)
        stored = c["meta"]
    except Exception as e:  # torch raises many kinds for a damaged file; every one means: start afresh
        print(f"checkpoint {path} cannot be read ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
              "discarded, starting afresh")
        path.unlink()
        return False
    if stored != meta:
        differ = sorted(k for k in meta.keys() | stored.keys() if stored.get(k) != meta.get(k))
        print(f"checkpoint {path} is of another run (differs in {', '.join(differ)}); discarded, starting afresh")
        return False
    for k in ("G", "D", "opt_g", "opt_d"):
        s[k].load_state_dict(c[k])
    s["latent"].set_state(c["latent"])
    torch.set_rng_state(c["rng"]["torch"])
    if "cuda" in c["rng"] and torch.cuda.is_available():
        torch.cuda.set_rng_state(c["rng"]["cuda"])
    s.update(epoch=c["epoch"], rows=c["rows"], samples={u: x.cpu().numpy() for u, x in c["samples"].items()})
    return True


def sample_points(sample_epochs, sample_updates, epochs: int, per_epoch: int) -> list[int]:
    """Update counts after which a run keeps samples: the ends of the sample epochs, the sample
    update counts, and the end of the run, all within the run."""
    total = epochs * per_epoch
    points = {e * per_epoch for e in sample_epochs} | set(sample_updates) | {total}
    return sorted(u for u in points if 0 < u <= total)


def run(x: torch.Tensor, *, seed: int, lr_g: float, lr_d: float, batch_size: int, epochs: int,
        epoch_samples: int, sample_epochs, n_samples: int, device: torch.device, checkpoint,
        sample_updates=(), log_updates: int | None = None, stop_after: int | None = None) -> dict:
    """Train (or resume) to `epochs`, checkpointing every epoch; the state holds the log rows
    (one per `log_updates` updates) and the fixed-latent samples after each update count of
    `sample_points` (keyed by update count). `stop_after` ends the call early after that many
    epochs of this call (to test resuming)."""
    if epoch_samples % batch_size:
        raise ValueError(f"batch size {batch_size} must divide the epoch of {epoch_samples} samples")
    per_epoch = epoch_samples // batch_size
    points = sample_points(sample_epochs, sample_updates, epochs, per_epoch)
    # the run's fingerprint: its settings and the training digits themselves (their content, not
    # only their number), so a checkpoint of another split or source is never resumed
    meta = dict(seed=seed, lr_g=lr_g, lr_d=lr_d, batch_size=batch_size, epoch_samples=epoch_samples,
                n_train=len(x), n_samples=n_samples, sample_points=points, log_updates=log_updates,
                data_sha256=hashlib.sha256(x.detach().cpu().contiguous().numpy().tobytes()).hexdigest())
    s = init_state(seed, lr_g, lr_d, device)
    if load_checkpoint(s, meta, checkpoint):
        print(f"resumed from {checkpoint} after epoch {s['epoch']}")
    z = fixed_latent(seed, n_samples)
    done = 0
    while s["epoch"] < epochs and (stop_after is None or done < stop_after):
        rows = train_epoch(s, x, batch_size, epoch_samples, seed, log_updates=log_updates,
                           sample_at=set(points), z=z)
        s["rows"] += rows
        save_checkpoint(s, meta, checkpoint)
        done += 1
        mean = lambda k: sum(r[k] for r in rows) / len(rows)
        print(f"epoch {s['epoch']} ({rows[-1]['updates']} updates): D loss {mean('d_loss'):.3f}, "
              f"G loss {mean('g_loss'):.3f}, D(x) {mean('d_real'):.3f}, D(G(z)) {mean('d_fake'):.3f}, "
              f"{sum(r['seconds'] for r in rows):.1f} s", flush=True)
    return s
