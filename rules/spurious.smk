# Safran and Shamir (2018): how often gradient descent on the exact loss of the
# sum-of-ReLUs teacher ends in a spurious local minimum, beside their published fractions.


rule spurious_cell:
    output:
        SPURIOUS_CELL,
    params:
        script=script("train_spurious.py"),
        threshold=lookup(dpath="spurious/stuck_threshold", within=config),
    log:
        "logs/spurious/k={k}/n={n}/runs={runs}/lr={lr}/tol={tol}/cap={cap}.log",
    benchmark:
        "benchmarks/spurious/k={k}/n={n}/runs={runs}/lr={lr}/tol={tol}/cap={cap}.tsv"
    threads: 1
    shell:
        "python {params.script} --k {wildcards.k} --n {wildcards.n} --runs {wildcards.runs} --lr {wildcards.lr} --tol {wildcards.tol} --max-iterations {wildcards.cap} --stuck-threshold {params.threshold} --threads {threads} --out {output} > {log} 2>&1"


rule spurious_table:
    input:
        cells=spurious_cells(),
        anchor=repo_path(SPURIOUS["anchor"]),
    output:
        table=report("results/spurious/spurious_table.csv", caption="../report/captions/spurious_table.rst", category="Spurious minima"),
        figure=report("figures/spurious_minima.pdf", caption="../report/captions/spurious_minima.rst", category="Spurious minima"),
    params:
        script=script("spurious_table.py"),
    log:
        "logs/spurious/table.log",
    benchmark:
        "benchmarks/spurious/table.tsv"
    shell:
        "python {params.script} --cells {input.cells} --anchor {input.anchor} --table-out {output.table} --figure-out {output.figure} > {log} 2>&1"
