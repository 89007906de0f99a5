"""A small MNIST classifier trained here on the real training digits, and the sample-quality
metrics of the GAN study computed with it (no downloaded weights needed):

- inception score exp(E_x KL(p(y|x) || p(y))) with the classifier in place of Inception,
- the fraction of samples classified with confidence above a threshold,
- the class histogram: its entropy and how many classes get at least 1% of the samples,
- a Frechet distance between Gaussians fitted to the classifier's penultimate features of the
  samples and of held-out real digits.
"""
import numpy as np
import scipy.linalg
import torch
import torch.nn as nn
import torch.nn.functional as F

FEATURES = 128


def make_classifier() -> nn.Sequential:
    """LeNet-style: two conv blocks, a 128-d feature layer (used by the Frechet distance)."""
    return nn.Sequential(
        nn.Unflatten(1, (1, 28, 28)),
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.3),
        nn.Linear(64 * 7 * 7, FEATURES), nn.ReLU(),
        nn.Linear(FEATURES, 10),
    )


def shift(x: torch.Tensor, g: torch.Generator, max_px: int = 2) -> torch.Tensor:
    """Random translations of flat 28x28 images by up to max_px pixels (padding with -1,
    the background): with only a few thousand digits this keeps the classifier from
    memorizing them."""
    n = len(x)
    img = F.pad(x.view(n, 1, 28, 28), (max_px,) * 4, value=-1.0)
    dx, dy = torch.randint(0, 2 * max_px + 1, (2, n), generator=g)
    rows = (dy[:, None] + torch.arange(28))[:, :, None]
    cols = (dx[:, None] + torch.arange(28))[:, None, :]
    return img[torch.arange(n)[:, None, None], 0, rows, cols].reshape(n, -1)


def train(x: torch.Tensor, y: torch.Tensor, steps: int, batch_size: int, lr: float, seed: int,
          log_every: int = 500) -> tuple[nn.Module, list[dict]]:
    """Adam on shifted mini-batches of the real digits x (flat, in [-1, 1]); returns the net
    in eval mode and the training log."""
    torch.manual_seed(seed)  # initialization and dropout
    g = torch.Generator().manual_seed(seed)
    net = make_classifier()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    rows, running = [], []
    net.train()
    for step in range(1, steps + 1):
        idx = torch.randint(0, len(y), (batch_size,), generator=g)
        loss = F.cross_entropy(net(shift(x[idx], g)), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        running.append(loss.item())
        if step % log_every == 0 or step == steps:
            rows.append(dict(step=step, train_loss=float(np.mean(running))))
            running = []
    return net.eval(), rows


@torch.no_grad()
def predict(net: nn.Module, x: torch.Tensor, batch: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """(class probabilities, penultimate features) of flat images x in [-1, 1]."""
    net.eval()
    head, last = net[:-1], net[-1]
    probs, feats = [], []
    for i in range(0, len(x), batch):
        f = head(x[i:i + batch])
        probs.append(F.softmax(last(f), dim=1))
        feats.append(f)
    return torch.cat(probs).double().numpy(), torch.cat(feats).double().numpy()


def inception_score(p: np.ndarray) -> float:
    py = p.mean(0, keepdims=True)
    kl = (p * (np.log(p + 1e-12) - np.log(py + 1e-12))).sum(1)
    return float(np.exp(kl.mean()))


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """||mu_a - mu_b||^2 + tr(S_a + S_b - 2 (S_a S_b)^(1/2)) between Gaussian fits."""
    mu_a, mu_b = a.mean(0), b.mean(0)
    # a little ridge: dead ReLU features make a covariance singular (noise images do that)
    eps = 1e-6 * np.eye(a.shape[1])
    sa, sb = np.cov(a, rowvar=False) + eps, np.cov(b, rowvar=False) + eps
    root = scipy.linalg.sqrtm(sa @ sb).real  # rounding leaves a tiny imaginary part
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(sa + sb - 2 * root))


def quality(net: nn.Module, x: torch.Tensor, real_features: np.ndarray,
            confident: float = 0.9, min_share: float = 0.01) -> dict:
    """Every metric of samples x (flat, in [-1, 1]) against held-out real features."""
    p, f = predict(net, x)
    hist = np.bincount(p.argmax(1), minlength=10) / len(p)
    nz = hist[hist > 0]
    return dict(
        inception_score=inception_score(p),
        confident_fraction=float((p.max(1) > confident).mean()),
        class_entropy=float(-(nz * np.log(nz)).sum()),
        classes_covered=int((hist >= min_share).sum()),
        frechet_distance=frechet_distance(f, real_features),
        **{f"class_{k}": float(hist[k]) for k in range(10)},
    )
