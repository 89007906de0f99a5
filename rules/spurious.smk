# Safran and Shamir (2018): how often gradient descent on the exact loss of the
# sum-of-ReLUs teacher ends in a spurious local minimum, beside their published fractions.
# Its paths and input functions (SPURIOUS_CELL, spurious_cells) are in rules/common.smk,
# section "Spurious minima"; the gradient descent is src/overparam/relu/descent.py.


rule spurious_cell:
    output:
        SPURIOUS_CELL,
    log:
        "logs/spurious/k={k}/n={n}/runs={runs}/lr={lr}/tol={tol}/below={below}/cap={cap}.log",
    benchmark:
        "benchmarks/spurious/k={k}/n={n}/runs={runs}/lr={lr}/tol={tol}/below={below}/cap={cap}.tsv"
    params:
        code=code("spurious_cell.py"),
        flags=lambda wc: cli(k=wc.k, n=wc.n, runs=wc.runs, lr=wc.lr, tol=wc.tol,
                             restart_above=lookup(dpath="spurious/restart_above", within=config),
                             decide_below=wc.below, cap=wc.cap),
    threads: lookup(dpath="spurious/threads", within=config)
    priority: spurious_cost
    shell:
        "spurious_cell.py {params.flags} --threads {threads} --out {output:q} > {log:q} 2>&1"


rule spurious_table:
    input:
        cells=spurious_cells(),
        check=spurious_cells(check=True),
    output:
        table=report("results/spurious/spurious_table.csv", caption="../report/captions/spurious_table.rst", category="Spurious minima"),
        figure=report("figures/spurious_minima.pdf", caption="../report/captions/spurious_minima.rst", category="Spurious minima"),
        evidence=report("figures/spurious_evidence.pdf", caption="../report/captions/spurious_evidence.rst", category="Spurious minima"),
        families=report("results/spurious/families.csv", caption="../report/captions/spurious_families.rst", category="Spurious minima"),
        check=report("results/spurious/check_table.csv", caption="../report/captions/spurious_check.rst", category="Spurious minima"),
    params:
        code=code("spurious_table.py"),
        published=file_digest([ANCHORS["spurious"], ANCHORS["families"]]),  # their content (repo_file)
        anchor=lookup(dpath="spurious/anchor", within=config),
        anchor_families=lookup(dpath="spurious/anchor_families", within=config),
        # relabels runs only: reruns no cell
        flags=cli(stuck_threshold=lookup(dpath="spurious/stuck_threshold", within=config)),
    log:
        "logs/spurious/table.log",
    benchmark:
        "benchmarks/spurious/table.tsv"
    shell:
        "spurious_table.py --cells {input.cells:q} --check-cells {input.check:q} --anchor \"$OVERPARAM_ROOT/\"{params.anchor:q} "
        "--anchor-families \"$OVERPARAM_ROOT/\"{params.anchor_families:q} {params.flags} --families-out {output.families:q} "
        "--table-out {output.table:q} --check-out {output.check:q} --figure-out {output.figure:q} "
        "--evidence-out {output.evidence:q} > {log:q} 2>&1"


rule spurious_symmetry:
    input:
        cells=spurious_cells(),
        certify=sumrelu_at_k("certify.parquet"),
        lifts=sumrelu_at_k("lifts.parquet"),
    output:
        points="results/spurious/symmetry/points.csv",
        families=report("results/spurious/symmetry/families.csv", caption="../report/captions/spurious_symmetry_families.rst", category="Spurious minima"),
        trace=report("results/spurious/symmetry/trace.csv", caption="../report/captions/spurious_symmetry_trace.rst", category="Spurious minima"),
        fit="results/spurious/symmetry/fit.csv",
        cells="results/spurious/symmetry/cells.csv",
        hessian="results/spurious/symmetry/hessian_identity.csv",
        figure=report("figures/spurious_symmetry.pdf", caption="../report/captions/spurious_symmetry.rst", category="Spurious minima"),
    params:
        code=code("spurious_symmetry.py"),
        published=file_digest([ANCHORS["families"]]),
        anchor_families=lookup(dpath="spurious/anchor_families", within=config),
        flags=cli(stuck_threshold=lookup(dpath="spurious/stuck_threshold", within=config),
                  type_atol=lookup(dpath="spurious/symmetry/type_atol", within=config),
                  family_tol=lookup(dpath="spurious/symmetry/family_tol", within=config),
                  spectrum_atol=lookup(dpath="spurious/symmetry/spectrum_atol", within=config),
                  curv_tol=lookup(dpath="spurious/symmetry/curv_tol", within=config)),
    log:
        "logs/spurious/symmetry.log",
    benchmark:
        "benchmarks/spurious/symmetry.tsv"
    shell:
        "spurious_symmetry.py --cells {input.cells:q} --certify {input.certify:q} --lifts {input.lifts:q} "
        "--anchor-families \"$OVERPARAM_ROOT/\"{params.anchor_families:q} {params.flags} "
        "--out-dir \"$(dirname {output.points:q})\" --figure-out {output.figure:q} > {log:q} 2>&1"


rule spurious_numbers:
    input:
        table=rules.spurious_table.output.table,
        check=rules.spurious_table.output.check,
        cells=spurious_cells(),
        symmetry=rules.spurious_symmetry.output,
    output:
        numbers=generated("spurious", "numbers.tex")[0],
        claims=generated("spurious", "claims.csv")[0],
        tables=generated("spurious", "spurious_table.tex", "symmetry_table.tex", "symmetry_trace_table.tex"),
    params:
        code=code("spurious_numbers.py"),
        published=file_digest([ANCHORS["families"], ANCHORS["symmetry"]]),
        anchor_families=lookup(dpath="spurious/anchor_families", within=config),
        anchor_symmetry=lookup(dpath="spurious/symmetry/anchor", within=config),
    log:
        "logs/report/spurious_numbers.log",
    benchmark:
        "benchmarks/report/spurious_numbers.tsv"
    shell:
        "spurious_numbers.py --table {input.table:q} --check {input.check:q} --cells {input.cells:q} "
        "--symmetry-dir \"$(dirname {input.symmetry[0]:q})\" "
        "--anchor-families \"$OVERPARAM_ROOT/\"{params.anchor_families:q} "
        "--anchor-symmetry \"$OVERPARAM_ROOT/\"{params.anchor_symmetry:q} "
        "--out-dir report/generated/spurious > {log:q} 2>&1"



# The study's outputs: snakemake --cores 8 spurious
rule spurious:
    input:
        rules.spurious_table.output,
        rules.spurious_symmetry.output,


localrules:
    spurious,
    spurious_numbers,


REPORT_PARTS.append(rules.spurious_numbers)
REPORT_FIGURES += [rules.spurious_table.output.figure, rules.spurious_table.output.evidence,
                   rules.spurious_symmetry.output.figure]
