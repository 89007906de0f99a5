# Safran and Shamir (2018): how often gradient descent on the exact loss of the
# sum-of-ReLUs teacher ends in a spurious local minimum, beside their published fractions.


rule spurious_cell:
    output:
        SPURIOUS_CELL,
    params:
        script=script("train_spurious.py"),
    log:
        "logs/spurious/k={k}/n={n}/runs={runs}/lr={lr}/tol={tol}/cap={cap}.log",
    benchmark:
        "benchmarks/spurious/k={k}/n={n}/runs={runs}/lr={lr}/tol={tol}/cap={cap}.tsv"
    threads: 1
    shell:
        "python {params.script} --k {wildcards.k} --n {wildcards.n} --runs {wildcards.runs} --lr {wildcards.lr} --tol {wildcards.tol} --max-iterations {wildcards.cap} --threads {threads} --out {output} > {log} 2>&1"


rule spurious_table:
    input:
        cells=spurious_cells(),
        anchor=repo_path(SPURIOUS["anchor"]),
    output:
        table=report("results/spurious/spurious_table.csv", caption="../report/captions/spurious_table.rst", category="Spurious minima"),
        figure=report("figures/spurious_minima.pdf", caption="../report/captions/spurious_minima.rst", category="Spurious minima"),
    params:
        script=script("spurious_table.py"),
        threshold=lookup(dpath="spurious/stuck_threshold", within=config),  # relabels runs only: reruns no cell
    log:
        "logs/spurious/table.log",
    benchmark:
        "benchmarks/spurious/table.tsv"
    shell:
        "python {params.script} --cells {input.cells} --anchor {input.anchor} --stuck-threshold {params.threshold} --table-out {output.table} --figure-out {output.figure} > {log} 2>&1"


rule spurious_numbers:
    input:
        table=rules.spurious_table.output.table,
        cells=spurious_cells(),
    output:
        numbers=generated("spurious", "numbers.tex")[0],
        claims=generated("spurious", "claims.csv")[0],
        tables=generated("spurious", "spurious_table.tex"),
    params:
        script=script("spurious_numbers.py"),
    log:
        "logs/report/spurious_numbers.log",
    benchmark:
        "benchmarks/report/spurious_numbers.tsv"
    shell:
        "python {params.script} --table {input.table} --cells {input.cells} --out-dir report/generated/spurious > {log} 2>&1"


REPORT_PARTS.append(rules.spurious_numbers)
REPORT_FIGURES.append(rules.spurious_table.output.figure)
