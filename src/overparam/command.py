"""How the workflow writes values into paths and command lines.

- `num`: a number exactly, as paths and flags carry it (the shortest text that reads back as the
  same float), so a value never changes on its way to the job;
- `cli`: a script's flags from Python values, every word shell-quoted, so a path with spaces,
  quotes or `$(...)` is one word and never a command."""
import shlex


def num(x) -> str:
    """0.1, 0.0001, 1e-05, 0.0123456789; whole numbers without '.0' (3, 10000)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def arg(value) -> str:
    """One command-line word: floats exactly (`num`), everything else as text."""
    return num(value) if isinstance(value, float) else str(value)


def cli(*positional, **flags) -> str:
    """Command-line arguments, every word shell-quoted: cli("lr", seeds=[0, 1], dry_run=True)
    gives "lr --seeds 0 1 --dry-run". Underscores in a name become dashes; a list is one word
    per item; True is the bare flag; False and None leave the flag out."""
    words = [arg(p) for p in positional]
    for name, value in flags.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            words.append(flag)
        elif isinstance(value, (list, tuple)):
            words += [flag, *map(arg, value)]
        else:
            words += [flag, arg(value)]
    return " ".join(shlex.quote(w) for w in words)
