"""The CPU half of scripts/device_check.py: each study's device path, run on the CPU, agrees
with its CPU reference (the GPU half needs a GPU and is run by hand there)."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_script():
    spec = importlib.util.spec_from_file_location("device_check", ROOT / "scripts" / "device_check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_device_check_cpu_half(capsys):
    rc = load_script().main(["--config", str(ROOT / "config.yaml"), "--devices", "cpu", "--epochs", "1",
                             "--samples-per-epoch", "1000"])
    results = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert rc == 0
    assert {r["study"] for r in results} == {"planted", "gan"}
    assert all(r["ok"] and r["max_rel_diff"] <= r["tolerance"] for r in results)
